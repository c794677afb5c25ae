package main

// The engine judges a language host only by the program it starts, so these tests pin
// down that process: node running @pulumi/pulumi/cmd/run with the arguments and the
// environment Pulumi's own Node.js host (sdk/nodejs/cmd/pulumi-language-nodejs at
// v3.248.0, constructArguments and execRuntime) gives it, and the answer to the engine
// for each way the program ends.

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/protobuf/types/known/structpb"
)

func programInfo(t *testing.T, root, program, entryPoint string, options map[string]any) *pulumirpc.ProgramInfo {
	t.Helper()
	opts, err := structpb.NewStruct(options)
	if err != nil {
		t.Fatal(err)
	}
	return &pulumirpc.ProgramInfo{
		RootDirectory:    root,
		ProgramDirectory: program,
		EntryPoint:       entryPoint,
		Options:          opts,
	}
}

// A request with every field the host forwards, as the engine sends it for `pulumi up`.
func fullRequest(t *testing.T, dir string) *pulumirpc.RunRequest {
	return &pulumirpc.RunRequest{
		MonitorAddress:   "127.0.0.1:4001",
		Organization:     "acme",
		Project:          "quickstart",
		Stack:            "dev",
		Pwd:              dir,
		DryRun:           true,
		Parallel:         16,
		Args:             []string{"extra", "--flag"},
		Config:           map[string]string{"domino:host": "http://127.0.0.1:9", "domino:apiKey": "s3cret"},
		ConfigSecretKeys: []string{"domino:apiKey"},
		Info: programInfo(t, "/repo", dir, "index.ts", map[string]any{
			"tsconfig": "tsconfig.build.json",
			"nodeargs": "--no-warnings --max-old-space-size=512",
		}),
	}
}

// envValues keeps, for each variable, the value the child process sees (the last one).
func envValues(env []string) map[string]string {
	values := map[string]string{}
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		values[k] = v
	}
	return values
}

func TestProgramCommandArguments(t *testing.T) {
	cmd, err := programCommand(fullRequest(t, "/repo/program"), "/repo/node_modules/@pulumi/pulumi/cmd/run/index.js",
		"127.0.0.1:4000", "http://127.0.0.1:9411/api/v1/spans", nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		// nodeargs first: they are options of node itself.
		"--no-warnings", "--max-old-space-size=512",
		"/repo/node_modules/@pulumi/pulumi/cmd/run/index.js",
		"--monitor", "127.0.0.1:4001",
		"--engine", "127.0.0.1:4000",
		"--organization", "acme",
		"--project", "quickstart",
		"--root-directory", "/repo",
		"--stack", "dev",
		"--pwd", "/repo/program",
		"--dry-run",
		"--parallel", "16",
		"--tracing", "http://127.0.0.1:9411/api/v1/spans",
		"index.ts",
		"extra", "--flag",
	}
	if !reflect.DeepEqual(cmd.args, want) {
		t.Errorf("node arguments:\n got %q\nwant %q", cmd.args, want)
	}
	if cmd.dir != "/repo/program" {
		t.Errorf("working directory %q, want /repo/program", cmd.dir)
	}
}

func TestProgramCommandMinimalRequest(t *testing.T) {
	// No organization, no tracing, not a preview, no entry point, no config: only the
	// flags that have a value, "--parallel 0" included as Pulumi's host does.
	req := &pulumirpc.RunRequest{
		MonitorAddress: "127.0.0.1:4001",
		Project:        "p",
		Stack:          "s",
		Pwd:            "/work",
		Info:           &pulumirpc.ProgramInfo{ProgramDirectory: "/work"},
	}
	cmd, err := programCommand(req, "run.js", "", "", []string{"PATH=/bin"})
	if err != nil {
		t.Fatal(err)
	}
	wantArgs := []string{"run.js", "--monitor", "127.0.0.1:4001", "--project", "p", "--stack", "s", "--pwd", "/work", "--parallel", "0", "."}
	if !reflect.DeepEqual(cmd.args, wantArgs) {
		t.Errorf("node arguments:\n got %q\nwant %q", cmd.args, wantArgs)
	}
	// typescript defaults to true; no tsconfig was given.
	wantEnv := []string{"PATH=/bin", "PULUMI_CONFIG={}", "PULUMI_CONFIG_SECRET_KEYS=[]", "PULUMI_NODEJS_TYPESCRIPT=true"}
	if !reflect.DeepEqual(cmd.env, wantEnv) {
		t.Errorf("environment:\n got %q\nwant %q", cmd.env, wantEnv)
	}
}

func TestProgramCommandEnvironment(t *testing.T) {
	base := []string{"PATH=/usr/bin", "HOME=/home/u", "PULUMI_CONFIG=stale", "PULUMI_NODEJS_TRANSPILE_ONLY=true"}
	cmd, err := programCommand(fullRequest(t, "/repo/program"), "run.js", "", "", base)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cmd.env[:len(base)], base) {
		t.Errorf("the host's environment is not passed on unchanged: %q", cmd.env[:len(base)])
	}
	got := envValues(cmd.env)

	// Config keys in the "<namespace>:config:<name>" form, secrets decrypted; the secret
	// keys as the engine names them.
	var config map[string]string
	if err := json.Unmarshal([]byte(got["PULUMI_CONFIG"]), &config); err != nil {
		t.Fatalf("PULUMI_CONFIG %q: %v", got["PULUMI_CONFIG"], err)
	}
	wantConfig := map[string]string{"domino:config:host": "http://127.0.0.1:9", "domino:config:apiKey": "s3cret"}
	if !reflect.DeepEqual(config, wantConfig) {
		t.Errorf("PULUMI_CONFIG = %v, want %v", config, wantConfig)
	}
	if got["PULUMI_CONFIG_SECRET_KEYS"] != `["domino:apiKey"]` {
		t.Errorf("PULUMI_CONFIG_SECRET_KEYS = %s", got["PULUMI_CONFIG_SECRET_KEYS"])
	}
	for k, want := range map[string]string{
		"PULUMI_NODEJS_TYPESCRIPT":     "true",
		"PULUMI_NODEJS_TSCONFIG_PATH":  "tsconfig.build.json",
		"PULUMI_NODEJS_TRANSPILE_ONLY": "true",
		"HOME":                         "/home/u",
	} {
		if got[k] != want {
			t.Errorf("%s = %q, want %q", k, got[k], want)
		}
	}
	// Nothing else is added: the SDK takes the engine's addresses from the arguments.
	if extra := len(cmd.env) - len(base); extra != 4 {
		t.Errorf("%d variables added, want 4: %q", extra, cmd.env[len(base):])
	}
}

func TestProgramCommandTypeScriptOff(t *testing.T) {
	req := &pulumirpc.RunRequest{Info: programInfo(t, "/r", "/r", ".", map[string]any{"typescript": false})}
	cmd, err := programCommand(req, "run.js", "", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := envValues(cmd.env)["PULUMI_NODEJS_TYPESCRIPT"]; ok {
		t.Errorf("PULUMI_NODEJS_TYPESCRIPT=%s set although the typescript option is false", v)
	}
}

func TestLegacyConfigKey(t *testing.T) {
	for key, want := range map[string]string{
		"domino:host":        "domino:config:host",
		"proj:collaborator":  "proj:config:collaborator",
		"domino:config:host": "domino:config:host",
	} {
		if got, err := legacyConfigKey(key); err != nil || got != want {
			t.Errorf("legacyConfigKey(%q) = %q, %v; want %q", key, got, err, want)
		}
	}
	for _, key := range []string{"host", ":host", "domino:", "a:b:c", "a:config:"} {
		if got, err := legacyConfigKey(key); err == nil {
			t.Errorf("legacyConfigKey(%q) = %q, want an error", key, got)
		}
	}
	req := &pulumirpc.RunRequest{Config: map[string]string{"nonamespace": "x"}}
	if _, err := programCommand(req, "run.js", "", "", nil); err == nil {
		t.Error("a config key without a namespace was accepted")
	}
	// Run reports it as a failed run, before starting node.
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", "/nonexistent/run.js")
	host := &nodeHost{nodeBin: "/nonexistent/node"}
	resp, err := host.Run(context.Background(), req)
	if err != nil || !strings.Contains(resp.GetError(), "nonamespace") {
		t.Errorf("Run with a bad config key: %v, %q", err, resp.GetError())
	}
}

// A program directory whose node_modules holds a stand-in for @pulumi/pulumi: its
// cmd/run records what node was started with, then exits with the code in
// FAKE_RUN_EXIT_CODE.
func fakeProgram(t *testing.T) (dir, record string) {
	t.Helper()
	dir = t.TempDir()
	pkg := filepath.Join(dir, "node_modules", "@pulumi", "pulumi")
	if err := os.MkdirAll(filepath.Join(pkg, "cmd", "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	files := map[string]string{
		filepath.Join(pkg, "package.json"): `{"name": "@pulumi/pulumi", "version": "3.248.0"}`,
		filepath.Join(pkg, "cmd", "run", "index.js"): `const fs = require("fs");
fs.writeFileSync(process.env.FAKE_RUN_RECORD, JSON.stringify({
  script: __filename,
  args: process.argv.slice(2),
  execArgv: process.execArgv,
  cwd: process.cwd(),
  env: process.env,
}));
process.exit(Number(process.env.FAKE_RUN_EXIT_CODE || 0));
`,
	}
	for path, text := range files {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir, filepath.Join(t.TempDir(), "record.json")
}

type runRecord struct {
	Script   string            `json:"script"`
	Args     []string          `json:"args"`
	ExecArgv []string          `json:"execArgv"`
	Cwd      string            `json:"cwd"`
	Env      map[string]string `json:"env"`
}

// Run, end to end with node: the run script is resolved from the program's directory
// and started with the arguments and environment checked above; the exit code decides
// the answer, 32 meaning the program already reported its error (bail).
func TestRunStartsNodeOnRunScript(t *testing.T) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed on PATH: %v", err)
	}
	dir, recordPath := fakeProgram(t)
	// Resolved directories: node reports the real path (e.g. macOS's /private/var).
	dir, err = filepath.EvalSymlinks(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", "")
	t.Setenv("FAKE_RUN_RECORD", recordPath)

	for _, tc := range []struct {
		exitCode string
		want     *pulumirpc.RunResponse
	}{
		{"0", &pulumirpc.RunResponse{}},
		{"32", &pulumirpc.RunResponse{Bail: true}},
		{"7", &pulumirpc.RunResponse{Error: "Program exited with non-zero exit code: 7"}},
	} {
		t.Run("exit "+tc.exitCode, func(t *testing.T) {
			t.Setenv("FAKE_RUN_EXIT_CODE", tc.exitCode)
			_ = os.Remove(recordPath)
			host := &nodeHost{nodeBin: nodeBin, engineAddress: "127.0.0.1:4000"}
			req := fullRequest(t, dir)
			resp, err := host.Run(context.Background(), req)
			if err != nil {
				t.Fatal(err)
			}
			if resp.GetBail() != tc.want.GetBail() || resp.GetError() != tc.want.GetError() {
				t.Errorf("response {bail: %v, error: %q}, want {bail: %v, error: %q}",
					resp.GetBail(), resp.GetError(), tc.want.GetBail(), tc.want.GetError())
			}

			data, err := os.ReadFile(recordPath)
			if err != nil {
				t.Fatalf("the run script did not run: %v", err)
			}
			var rec runRecord
			if err := json.Unmarshal(data, &rec); err != nil {
				t.Fatal(err)
			}
			wantScript := filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js")
			if rec.Script != wantScript {
				t.Errorf("node ran %s, want %s", rec.Script, wantScript)
			}
			want, err := programCommand(req, wantScript, "127.0.0.1:4000", "", os.Environ())
			if err != nil {
				t.Fatal(err)
			}
			if wantArgs := want.args[3:]; !reflect.DeepEqual(rec.Args, wantArgs) {
				t.Errorf("run script arguments:\n got %q\nwant %q", rec.Args, wantArgs)
			}
			if wantNodeArgs := []string{"--no-warnings", "--max-old-space-size=512"}; !reflect.DeepEqual(rec.ExecArgv, wantNodeArgs) {
				t.Errorf("node options %q, want %q", rec.ExecArgv, wantNodeArgs)
			}
			if rec.Cwd != dir {
				t.Errorf("working directory %s, want %s", rec.Cwd, dir)
			}
			for k, v := range envValues(want.env) {
				if rec.Env[k] != v {
					t.Errorf("%s = %q in the program, want %q", k, rec.Env[k], v)
				}
			}
		})
	}
}

// PULUMI_LANGUAGE_NODEJS_RUN_PATH replaces the resolved run script, as in Pulumi's host.
func TestRunHonoursRunPathOverride(t *testing.T) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed on PATH: %v", err)
	}
	dir, recordPath := fakeProgram(t)
	override := filepath.Join(t.TempDir(), "run.js")
	if err := os.Rename(filepath.Join(dir, "node_modules", "@pulumi", "pulumi", "cmd", "run", "index.js"), override); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", override)
	t.Setenv("FAKE_RUN_RECORD", recordPath)
	t.Setenv("FAKE_RUN_EXIT_CODE", "0")
	host := &nodeHost{nodeBin: nodeBin}
	resp, err := host.Run(context.Background(), &pulumirpc.RunRequest{Pwd: dir, Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}})
	if err != nil || resp.GetError() != "" {
		t.Fatalf("Run: %v %q", err, resp.GetError())
	}
	data, err := os.ReadFile(recordPath)
	if err != nil {
		t.Fatalf("the run script did not run: %v", err)
	}
	var rec runRecord
	if err := json.Unmarshal(data, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Script != override {
		t.Errorf("node ran %s, want %s", rec.Script, override)
	}
}

func TestRunWithoutSDK(t *testing.T) {
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		t.Fatalf("node is needed on PATH: %v", err)
	}
	t.Setenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH", "")
	dir := t.TempDir()
	host := &nodeHost{nodeBin: nodeBin}
	resp, err := host.Run(context.Background(), &pulumirpc.RunRequest{Pwd: dir, Info: &pulumirpc.ProgramInfo{ProgramDirectory: dir}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(resp.GetError(), "npm install") {
		t.Errorf("error %q does not tell to install the dependencies", resp.GetError())
	}
}

func TestRunResponse(t *testing.T) {
	if resp := runResponse(nil, "node"); resp.GetBail() || resp.GetError() != "" {
		t.Errorf("success reported as %v", resp)
	}
	if resp := runResponse(exec.ErrNotFound, "/no/node"); !strings.Contains(resp.GetError(), "/no/node") || resp.GetBail() {
		t.Errorf("a failure to start node reported as %v", resp)
	}
}
