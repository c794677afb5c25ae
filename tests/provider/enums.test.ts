/**
 * The enums at run time: `enumValue` (what a program uses for config strings), the enum
 * objects against the rules `check` applies, and `isInstance` by type token.
 */
import * as domino from "../../provider";
import { projectSchema } from "../../provider/resources/project";
import { collaboratorSchema } from "../../provider/resources/collaborator";
import { environmentSchema } from "../../provider/resources/environment";
import { organizationMemberSchema } from "../../provider/resources/organization-member";
import { GIT_REPOSITORY_RULES } from "../../provider/kit/projects";
import { datasetSchema } from "../../provider/resources/dataset";

describe("enumValue", () => {
  it("takes any letter case and answers in the enum's spelling", () => {
    expect(domino.enumValue(domino.ProjectVisibility, "searchable")).toBe("Searchable");
    expect(domino.enumValue(domino.CollaboratorRole, "LAUNCHERUSER")).toBe("launcherUser");
    expect(domino.enumValue(domino.ClusterType, "Spark")).toBe("Spark");
  });

  it("passes an absent value through", () => {
    expect(domino.enumValue(domino.ProjectStatus, undefined)).toBeUndefined();
  });

  it("refuses anything else, naming the allowed values and the value", () => {
    expect(() => domino.enumValue(domino.ProjectVisibility, "Public ", "visibility")).toThrow(
      'visibility must be one of Public, Searchable, Private (case-insensitive), got "Public "',
    );
    expect(() => domino.enumValue(domino.OrganizationRole, "Owner")).toThrow('value must be one of Member, Admin (case-insensitive), got "Owner"');
    expect(() => domino.enumValue(domino.ClusterType, "")).toThrow("must be one of Dask, Mpi, Ray, Spark");
    // From JavaScript, or a config object read without a check.
    expect(() => domino.enumValue(domino.ClusterType, 3 as unknown as string)).toThrow("got 3");
  });
});

describe("enum objects", () => {
  it("hold exactly the values check accepts", () => {
    expect(projectSchema.visibility.oneOf).toEqual(domino.enumValues(domino.ProjectVisibility));
    expect(projectSchema.status.oneOf).toEqual(domino.enumValues(domino.ProjectStatus));
    expect(collaboratorSchema.role.oneOf).toEqual(domino.enumValues(domino.CollaboratorRole));
    expect(environmentSchema.visibility.oneOf).toEqual(domino.enumValues(domino.EnvironmentVisibility));
    expect(environmentSchema.supportedClusters.oneOf).toEqual(domino.enumValues(domino.ClusterType));
    expect(organizationMemberSchema.organizationRole.oneOf).toEqual(domino.enumValues(domino.OrganizationRole));
    expect(GIT_REPOSITORY_RULES.serviceProvider.oneOf).toEqual(domino.enumValues(domino.GitServiceProvider));
    expect(GIT_REPOSITORY_RULES.defaultRef.fields?.refType.oneOf).toEqual(domino.enumValues(domino.GitReferenceType));
    expect(projectSchema.resultsBranch.oneOf).toEqual(domino.enumValues(domino.ResultsBranch));
    expect(projectSchema.repoToCreate.fields?.visibility.oneOf).toEqual(domino.enumValues(domino.RepositoryVisibility));
    expect(datasetSchema.grants.fields?.targetRole.oneOf).toEqual(domino.enumValues(domino.DatasetRole));
  });

  it("are plain objects, as in Pulumi's generated SDKs", () => {
    expect(domino.ProjectVisibility).toEqual({ Public: "Public", Searchable: "Searchable", Private: "Private" });
    expect(domino.BuildStatus.Succeeded).toBe("Succeeded");
    expect(domino.SnapshotStatus.Active).toBe("active");
  });
});

describe("isInstance", () => {
  /** What Pulumi's SDK sets on a custom resource, as another copy of the package would have made it. */
  const resourceOf = (token: string) => ({ __pulumiResource: true, __pulumiCustomResource: true, __pulumiType: token });

  it("recognises a resource by its type token, whichever copy of the package made it", () => {
    expect(domino.Project.isInstance(resourceOf("pulumi-nodejs:dynamic/domino:Project"))).toBe(true);
    expect(domino.Goal.isInstance(resourceOf("pulumi-nodejs:dynamic/domino:Goal"))).toBe(true);
    expect(domino.EnvironmentRevision.isInstance(resourceOf("pulumi-nodejs:dynamic/domino:EnvironmentRevision"))).toBe(true);
  });

  it("refuses other kinds, other resources and anything else", () => {
    expect(domino.Goal.isInstance(resourceOf("pulumi-nodejs:dynamic/domino:Project"))).toBe(false);
    expect(domino.Project.isInstance(resourceOf("pulumi-nodejs:dynamic:Resource"))).toBe(false);
    expect(domino.Project.isInstance({ __pulumiType: "pulumi-nodejs:dynamic/domino:Project" })).toBe(false);
    for (const value of [undefined, null, "Project", 1, {}]) expect(domino.Project.isInstance(value)).toBe(false);
  });
});
