// Package e2e drives a real Atelier: the compiled binary, started on a free
// loopback port with its own data directory, and headless Chromium. The
// browser and accessibility tests and the benchmarks (hooks/bench) share it.
package e2e

import (
	"bytes"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"
)

// RepoRoot returns the directory holding go.mod, whatever the caller's cwd.
func RepoRoot() (string, error) {
	out, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("locate go.mod: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("locate go.mod: not inside the atelier module")
	}
	return filepath.Dir(gomod), nil
}

// BuildTags are the build tags of the binary (make bench sets "bench"
// before its first Start); the tests run the release build.
var BuildTags string

var (
	buildOnce sync.Once
	buildPath string
	buildErr  error
)

// Binary compiles the atelier command once per process and returns its path.
func Binary() (string, error) {
	buildOnce.Do(func() {
		root, err := RepoRoot()
		if err != nil {
			buildErr = err
			return
		}
		dir, err := os.MkdirTemp("", "atelier-bin-")
		if err != nil {
			buildErr = err
			return
		}
		buildPath = filepath.Join(dir, "atelier")
		cmd := exec.Command("go", "build", "-tags="+BuildTags, "-o", buildPath, ".")
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "GOTOOLCHAIN=auto", "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			buildErr = fmt.Errorf("build atelier: %w\n%s", err, out)
		}
	})
	return buildPath, buildErr
}

// Run executes the atelier binary with args against dataDir.
func Run(dataDir string, args ...string) (string, error) {
	bin, err := Binary()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(bin, append(args, "--dir="+dataDir)...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		return string(out), fmt.Errorf("atelier %s: %w\n%s", strings.Join(args, " "), err, out)
	}
	return string(out), nil
}

// Server is a running atelier serve process.
type Server struct {
	URL     string
	DataDir string
	Started time.Duration // from exec to the first healthy answer
	cmd     *exec.Cmd
	logs    *bytes.Buffer
}

// Start runs `atelier serve` on a free loopback port and waits until it answers.
func Start(dataDir string) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	addr, err := freeAddr()
	if err != nil {
		return nil, err
	}
	s := &Server{URL: "http://" + addr, DataDir: dataDir, logs: &bytes.Buffer{}}
	// The binary lives in a temporary directory: it must still start in
	// production mode, without being told (hooks/e2e/attaque_donnees_test.go).
	s.cmd = exec.Command(bin, "serve", "--http="+addr, "--dir="+dataDir)
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	begin := time.Now()
	if err := s.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start atelier: %w", err)
	}
	if err := s.waitHealthy(30 * time.Second); err != nil {
		s.Stop()
		return nil, fmt.Errorf("%w\n%s", err, s.logs.String())
	}
	s.Started = time.Since(begin)
	return s, nil
}

func (s *Server) waitHealthy(limit time.Duration) error {
	client := &http.Client{Timeout: time.Second}
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		res, err := client.Get(s.URL + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("atelier did not answer on %s within %s", s.URL, limit)
}

// PID of the server process.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Logs returns what the server printed so far.
func (s *Server) Logs() string { return s.logs.String() }

// Stop asks the server to shut down gracefully, then kills it after 10 s.
func (s *Server) Stop() error {
	if s.cmd == nil || s.cmd.Process == nil {
		return nil
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		_ = s.cmd.Process.Kill()
		return errors.New("atelier did not stop within 10 s")
	}
}

func freeAddr() (string, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().String(), nil
}
