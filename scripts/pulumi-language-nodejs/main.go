// Command pulumi-language-nodejs is the Node.js language host the Pulumi engine starts
// to run a program written in JavaScript or TypeScript.
//
// Pulumi's own host of that name lives in a Go module that the module registry
// available to this project does not serve, so this repository carries its own. It
// does what the engine needs from a language host for `preview`, `up`, `refresh` and
// `destroy`: it runs `@pulumi/pulumi/cmd/run` (resolved from the program's directory)
// with node, passing the monitor and engine addresses, project, stack, organization,
// dry-run flag, parallelism and the stack's configuration the way that script expects
// them. Plugins are not reported or downloaded: the engine finds them on PATH and next
// to the `pulumi` executable.
//
// The engine starts the host with optional logging/tracing flags followed by the
// engine's address, reads the port printed on the first line of stdout, and talks
// gRPC (pulumirpc.LanguageRuntime) to it.
package main

import (
	"fmt"
	"os"
	"os/exec"
	"strings"

	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"google.golang.org/grpc"
)

func main() {
	engineAddress, tracing := parseArgs(os.Args[1:])

	nodeBin, err := exec.LookPath("node")
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not find node on PATH: %v\n", err)
		os.Exit(1)
	}

	host := &nodeHost{nodeBin: nodeBin, engineAddress: engineAddress, tracing: tracing}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, host)
			return nil
		},
	})
	if err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: could not start the gRPC server: %v\n", err)
		os.Exit(1)
	}

	// The engine reads the port from the first line of stdout.
	fmt.Printf("%d\n", handle.Port)

	if err := <-handle.Done; err != nil {
		fmt.Fprintf(os.Stderr, "pulumi-language-nodejs: gRPC server stopped: %v\n", err)
		os.Exit(1)
	}
}

// parseArgs reads the command line the engine passes to language plugins:
// `[--logtostderr] [-v=N] [--tracing URL] [ENGINE_ADDRESS]`. Logging flags are
// accepted and ignored; unknown flags are tolerated so a newer engine does not break
// the host.
func parseArgs(args []string) (engineAddress, tracing string) {
	for i := 0; i < len(args); i++ {
		arg := args[i]
		if !strings.HasPrefix(arg, "-") {
			engineAddress = arg
			continue
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		if name == "tracing" {
			if hasValue {
				tracing = value
			} else if i+1 < len(args) {
				i++
				tracing = args[i]
			}
		}
	}
	return engineAddress, tracing
}
