package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/emptypb"
)

const (
	// The SDK's entry point for programs; it connects to the engine and loads the program.
	runModule = "@pulumi/pulumi/cmd/run"

	// The run script exits with this code when it has already shown the error to the user;
	// the engine must then stop without printing anything more ("bail").
	exitAfterReportedError = 32
)

type nodeHost struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	nodeBin string
	tracing string

	mu            sync.Mutex
	engineAddress string
}

// runtimeOptions are the `runtime.options` of Pulumi.yaml that change how a program runs.
type runtimeOptions struct {
	typescript bool     // load ts-node so .ts programs run directly (default true)
	tsconfig   string   // tsconfig file for ts-node, relative to the program directory
	nodeArgs   []string // extra arguments for node itself
}

func optionsOf(info *pulumirpc.ProgramInfo) runtimeOptions {
	opts := runtimeOptions{typescript: true}
	if info == nil || info.GetOptions() == nil {
		return opts
	}
	values := info.GetOptions().AsMap()
	if v, ok := values["typescript"].(bool); ok {
		opts.typescript = v
	}
	if v, ok := values["tsconfig"].(string); ok {
		opts.tsconfig = v
	}
	if v, ok := values["nodeargs"].(string); ok {
		opts.nodeArgs = strings.Fields(v)
	}
	return opts
}

func (h *nodeHost) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	if req.GetEngineAddress() != "" {
		h.mu.Lock()
		h.engineAddress = req.GetEngineAddress()
		h.mu.Unlock()
	}
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *nodeHost) engine() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.engineAddress
}

func (h *nodeHost) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// Plugins are not announced in advance: the engine loads each one when the program first
// registers a resource of its package, from PATH or next to the `pulumi` executable.
func (h *nodeHost) GetRequiredPlugins(
	context.Context, *pulumirpc.GetRequiredPluginsRequest,
) (*pulumirpc.GetRequiredPluginsResponse, error) {
	return &pulumirpc.GetRequiredPluginsResponse{}, nil
}

func (h *nodeHost) GetRequiredPackages(
	context.Context, *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

func programDirectory(info *pulumirpc.ProgramInfo, fallback string) string {
	if info != nil && info.GetProgramDirectory() != "" {
		return info.GetProgramDirectory()
	}
	if fallback != "" {
		return fallback
	}
	dir, _ := os.Getwd()
	return dir
}

// resolveModule finds a module the way the program itself will: with node's resolution
// from the program's directory, so a workspace-hoisted @pulumi/pulumi is found too.
func (h *nodeHost) resolveModule(dir, module string) (string, error) {
	cmd := exec.Command(h.nodeBin, "-e", "process.stdout.write(require.resolve(process.argv[1]))", module)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%w: %s", err, strings.TrimSpace(stderr.String()))
	}
	return string(out), nil
}

func (h *nodeHost) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	if req.GetAttachDebugger() {
		return nil, status.Error(codes.Unimplemented, "this Node.js language host cannot attach a debugger")
	}
	dir := programDirectory(req.GetInfo(), req.GetPwd())

	runScript := os.Getenv("PULUMI_LANGUAGE_NODEJS_RUN_PATH")
	if runScript == "" {
		resolved, err := h.resolveModule(dir, runModule)
		if err != nil {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf(
				"could not find %s from %s; install the program's dependencies (npm install) first (%v)",
				runModule, dir, err)}, nil
		}
		runScript = resolved
	}

	program, err := programCommand(req, runScript, h.engine(), h.tracing, os.Environ())
	if err != nil {
		// A failed run, as Pulumi's host reports it, rather than a failed call.
		return &pulumirpc.RunResponse{Error: err.Error()}, nil
	}

	cmd := exec.CommandContext(ctx, h.nodeBin, program.args...)
	cmd.Dir = program.dir
	cmd.Env = program.env
	// The engine shows the program's output as it reads it from the host's own streams.
	cmd.Stdout = os.Stdout
	cmd.Stderr = os.Stderr
	// If the engine gives up on the run, let the program shut down before killing it.
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 10 * time.Second

	return runResponse(cmd.Run(), h.nodeBin), nil
}

// nodeCommand is how the host runs a program: node's arguments (after the node
// executable itself), its working directory and its whole environment.
type nodeCommand struct {
	args []string
	dir  string
	env  []string
}

// programCommand is the node command line for a RunRequest, kept apart from Run so it
// can be checked without starting anything: node's own arguments (the `nodeargs`
// runtime option), the run script, then the run script's arguments; the host's
// environment (baseEnv) plus the program's settings.
func programCommand(
	req *pulumirpc.RunRequest, runScript, engineAddress, tracing string, baseEnv []string,
) (nodeCommand, error) {
	opts := optionsOf(req.GetInfo())
	env, err := programEnvironment(req, opts, baseEnv)
	if err != nil {
		return nodeCommand{}, err
	}
	args := append(append([]string{}, opts.nodeArgs...), runScript)
	args = append(args, runArguments(req, engineAddress, tracing)...)
	dir := programDirectory(req.GetInfo(), req.GetPwd())
	if req.GetPwd() != "" {
		dir = req.GetPwd()
	}
	return nodeCommand{args: args, dir: dir, env: env}, nil
}

// runResponse turns the outcome of the program's process into the engine's answer.
func runResponse(err error, nodeBin string) *pulumirpc.RunResponse {
	if err == nil {
		return &pulumirpc.RunResponse{}
	}
	var exitErr *exec.ExitError
	if errors.As(err, &exitErr) {
		code := exitErr.ExitCode()
		if code == exitAfterReportedError {
			return &pulumirpc.RunResponse{Bail: true}
		}
		if code >= 0 {
			return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited with non-zero exit code: %d", code)}
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("Program exited unexpectedly: %v", exitErr)}
	}
	return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the program with %s: %v", nodeBin, err)}
}

// runArguments builds the command line of @pulumi/pulumi/cmd/run: flags, then the
// program (relative to --pwd, "." meaning the package's main), then the program's args.
// Pulumi's own host also passes --sync, a directory of pipes for the SDK's deprecated
// synchronous invokes, and so puts a proxy of the resource monitor in --monitor; this
// host passes the engine's monitor itself and no --sync, which leaves programs every
// asynchronous call.
func runArguments(req *pulumirpc.RunRequest, engineAddress, tracing string) []string {
	var args []string
	flag := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flag("monitor", req.GetMonitorAddress())
	flag("engine", engineAddress)
	flag("organization", req.GetOrganization())
	flag("project", req.GetProject())
	flag("root-directory", req.GetInfo().GetRootDirectory())
	flag("stack", req.GetStack())
	// The engine sends the same directory in both fields; Pulumi's host uses the first.
	pwd := req.GetInfo().GetProgramDirectory()
	if pwd == "" {
		pwd = req.GetPwd()
	}
	flag("pwd", pwd)
	if req.GetDryRun() {
		args = append(args, "--dry-run")
	}
	flag("parallel", fmt.Sprint(req.GetParallel()))
	flag("tracing", tracing)

	program := req.GetInfo().GetEntryPoint()
	if program == "" {
		program = req.GetProgram()
	}
	if program == "" {
		program = "."
	}
	args = append(args, program)
	return append(args, req.GetArgs()...)
}

// programEnvironment is the host's environment (baseEnv) plus what the SDK reads at
// start-up: the stack's configuration (secrets decrypted; the SDK re-marks the keys
// listed in PULUMI_CONFIG_SECRET_KEYS as secret) and the TypeScript settings.
func programEnvironment(req *pulumirpc.RunRequest, opts runtimeOptions, baseEnv []string) ([]string, error) {
	config := make(map[string]string, len(req.GetConfig()))
	for key, value := range req.GetConfig() {
		legacy, err := legacyConfigKey(key)
		if err != nil {
			return nil, err
		}
		config[legacy] = value
	}
	configJSON, err := json.Marshal(config)
	if err != nil {
		return nil, fmt.Errorf("encoding the stack configuration: %w", err)
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, fmt.Errorf("encoding the secret configuration keys: %w", err)
	}

	// exec.Cmd keeps the last value of a repeated variable, so these override the host's.
	env := append(append([]string{}, baseEnv...),
		"PULUMI_CONFIG="+string(configJSON),
		"PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON),
	)
	if opts.typescript {
		env = append(env, "PULUMI_NODEJS_TYPESCRIPT=true")
	}
	if opts.tsconfig != "" {
		env = append(env, "PULUMI_NODEJS_TSCONFIG_PATH="+opts.tsconfig)
	}
	return env, nil
}

// legacyConfigKey writes a configuration key ("<namespace>:<name>", as the engine sends
// it) in the form Pulumi's own host gives the SDK, "<namespace>:config:<name>", so that
// any @pulumi/pulumi version reads it (current ones accept both forms). A key already in
// that form is kept.
func legacyConfigKey(key string) (string, error) {
	namespace, name, ok := strings.Cut(key, ":")
	if ok && namespace != "" && name != "" {
		if !strings.Contains(name, ":") {
			return namespace + ":config:" + name, nil
		}
		if rest, isLegacy := strings.CutPrefix(name, "config:"); isLegacy && rest != "" && !strings.Contains(rest, ":") {
			return key, nil
		}
	}
	return "", fmt.Errorf("could not parse %s as a configuration key "+
		"(configuration keys should be of the form `<namespace>:<name>`)", key)
}

func (h *nodeHost) About(context.Context, *pulumirpc.AboutRequest) (*pulumirpc.AboutResponse, error) {
	out, err := exec.Command(h.nodeBin, "--version").Output()
	if err != nil {
		return nil, fmt.Errorf("running %s --version: %w", h.nodeBin, err)
	}
	return &pulumirpc.AboutResponse{
		Executable: h.nodeBin,
		Version:    strings.TrimPrefix(strings.TrimSpace(string(out)), "v"),
	}, nil
}

type packageManifest struct {
	Version         string            `json:"version"`
	Dependencies    map[string]string `json:"dependencies"`
	DevDependencies map[string]string `json:"devDependencies"`
}

func readManifest(path string) (packageManifest, error) {
	var m packageManifest
	data, err := os.ReadFile(path)
	if err != nil {
		return m, err
	}
	return m, json.Unmarshal(data, &m)
}

// GetProgramDependencies lists the program's direct dependencies with the version
// installed (found the way node finds it, walking up node_modules directories), or the
// declared range when the package is not installed.
func (h *nodeHost) GetProgramDependencies(
	_ context.Context, req *pulumirpc.GetProgramDependenciesRequest,
) (*pulumirpc.GetProgramDependenciesResponse, error) {
	dir := programDirectory(req.GetInfo(), req.GetPwd())
	manifest, err := readManifest(filepath.Join(dir, "package.json"))
	if err != nil {
		return nil, fmt.Errorf("reading the program's package.json: %w", err)
	}
	declared := map[string]string{}
	for name, want := range manifest.DevDependencies {
		declared[name] = want
	}
	for name, want := range manifest.Dependencies {
		declared[name] = want
	}
	names := make([]string, 0, len(declared))
	for name := range declared {
		names = append(names, name)
	}
	sort.Strings(names)

	deps := make([]*pulumirpc.DependencyInfo, 0, len(names))
	for _, name := range names {
		deps = append(deps, &pulumirpc.DependencyInfo{Name: name, Version: installedVersion(dir, name, declared[name])})
	}
	return &pulumirpc.GetProgramDependenciesResponse{Dependencies: deps}, nil
}

func installedVersion(dir, name, fallback string) string {
	for d := dir; ; {
		if m, err := readManifest(filepath.Join(d, "node_modules", name, "package.json")); err == nil && m.Version != "" {
			return m.Version
		}
		parent := filepath.Dir(d)
		if parent == d {
			return fallback
		}
		d = parent
	}
}

// InstallDependencies runs `npm install` in the program's directory (used by
// `pulumi install` and `pulumi new`), streaming npm's output to the engine.
func (h *nodeHost) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest,
	stream pulumirpc.LanguageRuntime_InstallDependenciesServer,
) error {
	dir := programDirectory(req.GetInfo(), req.GetDirectory())
	npm, err := exec.LookPath("npm")
	if err != nil {
		return fmt.Errorf("could not find npm on PATH: %w", err)
	}
	cmd := exec.CommandContext(stream.Context(), npm, "install")
	cmd.Dir = dir
	var sendMu sync.Mutex
	var sendErr error
	forward := func(toStderr bool) io.Writer {
		return writerFunc(func(p []byte) (int, error) {
			chunk := append([]byte(nil), p...)
			resp := &pulumirpc.InstallDependenciesResponse{Stdout: chunk}
			if toStderr {
				resp = &pulumirpc.InstallDependenciesResponse{Stderr: chunk}
			}
			sendMu.Lock()
			defer sendMu.Unlock()
			if err := stream.Send(resp); err != nil && sendErr == nil {
				sendErr = err
			}
			return len(p), nil
		})
	}
	cmd.Stdout = forward(false)
	cmd.Stderr = forward(true)
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("npm install in %s failed: %w", dir, err)
	}
	return sendErr
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }
