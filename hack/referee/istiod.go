package referee

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Istiod is one pilot-discovery process run out of cluster against the API
// server of the cluster that hosts it.
type Istiod struct {
	Cluster   string
	ClusterID string
	Namespace string
	Revision  string
	MeshID    string
	Trust     string
	// SkipValidateTrustDomain is PILOT_SKIP_VALIDATE_TRUST_DOMAIN: its
	// proxies accept a peer of any trust domain.
	SkipValidateTrustDomain bool
	HTTPAddr                string
	// GRPCAddr is istiod's plaintext xDS address (--grpcAddr, 15010 in a
	// cluster), where the referee's proxies connect.
	GRPCAddr string
	cmd      *exec.Cmd
	done     chan struct{}
	log      string
}

// IstiodSettings are what the fleet gives an istiod.
type IstiodSettings struct {
	Cluster, ClusterID, Namespace, Revision, MeshID, TrustDomain string
	TrustDomainAliases                                           []string
	// Env is the istiod container environment the fleet sets.
	Env map[string]string
}

// controlled are environment variables the referee sets itself: how istiod
// runs out of cluster, not what the fleet chose.
var controlled = map[string]bool{
	"POD_NAMESPACE": true, "CLUSTER_ID": true, "REVISION": true, "ENABLE_CA_SERVER": true,
	"INJECTION_WEBHOOK_CONFIG_NAME": true, "VALIDATION_WEBHOOK_CONFIG_NAME": true, "PILOT_ENABLE_GATEWAY_API": true,
	"KUBECONFIG": true, "PILOT_REMOTE_CLUSTER_TIMEOUT": true, "HOME": true, "POD_NAME": true, "ENABLE_DEBUG_ON_HTTP": true,
}

// StartIstiod runs pilot-discovery for one control plane of a fleet. dir
// holds its kubeconfig, mesh config and log.
func StartIstiod(ctx context.Context, bin, dir string, kubeconfig []byte, s IstiodSettings) (*Istiod, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	kc := filepath.Join(dir, "kubeconfig")
	if err := os.WriteFile(kc, kubeconfig, 0o600); err != nil {
		return nil, err
	}
	mesh := filepath.Join(dir, "mesh.yaml")
	meshCfg := fmt.Sprintf("trustDomain: %q\n", orDefault(s.TrustDomain, "cluster.local"))
	if len(s.TrustDomainAliases) > 0 {
		meshCfg += "trustDomainAliases:\n"
		for _, a := range s.TrustDomainAliases {
			meshCfg += fmt.Sprintf("- %q\n", a)
		}
	}
	if s.MeshID != "" {
		meshCfg += fmt.Sprintf("defaultConfig:\n  meshId: %q\n", s.MeshID)
	}
	if err := os.WriteFile(mesh, []byte(meshCfg), 0o600); err != nil {
		return nil, err
	}
	networks := filepath.Join(dir, "meshNetworks.yaml")
	if err := os.WriteFile(networks, []byte("networks: {}\n"), 0o600); err != nil {
		return nil, err
	}
	ports, err := freePorts(3)
	if err != nil {
		return nil, err
	}
	httpAddr, grpcAddr := fmt.Sprintf("127.0.0.1:%d", ports[0]), fmt.Sprintf("127.0.0.1:%d", ports[1])
	args := []string{"discovery",
		"--kubeconfig", kc, "--meshConfig", mesh, "--networksConfig", networks,
		"--httpAddr", httpAddr, "--grpcAddr", grpcAddr,
		"--monitoringAddr", fmt.Sprintf("127.0.0.1:%d", ports[2]),
		"--secureGRPCAddr", "", "--httpsAddr", "",
		"--domain", "cluster.local", "--log_output_level", "default:info",
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + dir,
		"POD_NAMESPACE=" + s.Namespace, "POD_NAME=istiod-referee", "CLUSTER_ID=" + s.ClusterID,
		"ENABLE_CA_SERVER=false", "INJECTION_WEBHOOK_CONFIG_NAME=", "VALIDATION_WEBHOOK_CONFIG_NAME=",
		"PILOT_ENABLE_GATEWAY_API=false", "ENABLE_DEBUG_ON_HTTP=true",
		// A remote cluster that cannot be read is given up on (and shown as
		// timeout) after 15 s instead of 30: test API servers sync in
		// under 2 s.
		"PILOT_REMOTE_CLUSTER_TIMEOUT=15s",
	}
	if s.Revision != "" {
		env = append(env, "REVISION="+s.Revision)
	}
	keys := make([]string, 0, len(s.Env))
	for k := range s.Env {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !controlled[k] {
			env = append(env, k+"="+s.Env[k])
		}
	}
	cmd.Env = env
	logPath := filepath.Join(dir, "istiod.log")
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd.Stdout, cmd.Stderr = logf, logf
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	if err := cmd.Start(); err != nil {
		_ = logf.Close()
		return nil, fmt.Errorf("start pilot-discovery: %w", err)
	}
	i := &Istiod{
		Cluster: s.Cluster, ClusterID: s.ClusterID, Namespace: s.Namespace, Revision: s.Revision,
		MeshID: s.MeshID, Trust: s.TrustDomain, SkipValidateTrustDomain: envTrue(s.Env["PILOT_SKIP_VALIDATE_TRUST_DOMAIN"]), HTTPAddr: httpAddr, GRPCAddr: grpcAddr, cmd: cmd, done: make(chan struct{}), log: logPath,
	}
	go func() { _ = cmd.Wait(); _ = logf.Close(); close(i.done) }()
	if err := i.waitReady(ctx); err != nil {
		i.Stop()
		return nil, err
	}
	return i, nil
}

func freePorts(n int) ([]int, error) {
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			_ = l.Close()
		}
	}()
	var out []int
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, err
		}
		ls = append(ls, l)
		out = append(out, l.Addr().(*net.TCPAddr).Port)
	}
	return out, nil
}

// waitReady waits until istiod answers /ready.
func (i *Istiod) waitReady(ctx context.Context) error {
	deadline := time.Now().Add(90 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-i.done:
			return fmt.Errorf("pilot-discovery for %s exited: %s", i.Cluster, i.LogTail(20))
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
		resp, err := http.Get("http://" + i.HTTPAddr + "/ready")
		if err == nil {
			_ = resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
	}
	return fmt.Errorf("pilot-discovery for %s not ready after 90s: %s", i.Cluster, i.LogTail(20))
}

// LogTail is the last n lines of istiod's log.
func (i *Istiod) LogTail(n int) string {
	b, _ := os.ReadFile(i.log)
	lines := strings.Split(strings.TrimRight(string(b), "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// Debug fetches one of istiod's debug endpoints and decodes its JSON.
func (i *Istiod) Debug(path string, into any) error {
	resp, err := http.Get("http://" + i.HTTPAddr + path)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: %s", path, resp.Status)
	}
	if err := json.Unmarshal(b, into); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// Stop ends istiod (SIGTERM, then SIGKILL after its shutdown grace).
func (i *Istiod) Stop() {
	if i.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-i.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-i.done:
	case <-time.After(3 * time.Second):
		_ = syscall.Kill(-i.cmd.Process.Pid, syscall.SIGKILL)
		<-i.done
	}
}

// envTrue reads a boolean environment variable as istiod's env package does
// (strconv.ParseBool; anything else is the default, false).
func envTrue(v string) bool {
	b, err := strconv.ParseBool(v)
	return err == nil && b
}
