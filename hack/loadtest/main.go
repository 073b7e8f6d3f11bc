// Command loadtest drives meshcheck's admission webhook over TLS on
// 127.0.0.1 at a fixed rate and reports, for the server alone, the CPU it
// spent per request (from /proc/<pid>/stat of the server process, user and
// system time, over the run) and its resident memory, and, as the API
// server would see them, the latency percentiles of the answers, the
// errors, the "overloaded" answers and the answers that came after the
// webhook's timeout (which the API server would have given up on).
//
// The server is the real webhook server (controller-runtime, TLS 1.2+,
// certificate from a directory, meshcheck's HTTP handler) with the real
// engine, over a synthetic cache of -objects objects, in a process of its
// own (this binary with -serve), so that the client's CPU is not counted;
// no API server is involved. Requests carry the timeout parameter the API
// server sends (-timeout, 3s as deployed).
//
//	go run ./hack/loadtest -rate 500 -duration 60s -objects 10000 -change network
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/bigcluster"
	"github.com/meshcheck/meshcheck/webhook"
)

func main() {
	rate := flag.Int("rate", 500, "requests per second")
	duration := flag.Duration("duration", 60*time.Second, "how long to send")
	objects := flag.Int("objects", 10000, "objects in the webhook's cache")
	fixture := flag.String("fixture", strings.Join(bigcluster.Files, ","), "the cluster's Istio objects (comma-separated files); namespaces are added up to -objects")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the server to this file")
	change := flag.String("change", "label", "the update sent: label (a label no rule reads) or network (the network label, denied)")
	timeout := flag.Duration("timeout", 3*time.Second, "the webhook's timeout, sent as the API server sends it (timeoutSeconds)")
	serve := flag.String("serve", "", "internal: serve on this certificate directory and print the port")
	flag.Parse()
	var err error
	if *serve != "" {
		err = runServer(*serve, *objects, *fixture, *cpuProfile)
	} else {
		err = run(*rate, *duration, *timeout, *objects, *fixture, *change, *cpuProfile)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		os.Exit(1)
	}
}

// runServer is the server process: the webhook's handler on a fixed state
// whose "before" review is prepared, as the informer side prepares it. It
// prints "port N" once it serves, and stops when its standard input closes.
func runServer(dir string, n int, fixture, cpuProfile string) error {
	webhook.TuneGC() // as the webhook's binary
	ctrllog.SetLogger(logr.Discard())
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	objs, err := cluster(fixture, n)
	if err != nil {
		return err
	}
	engine, err := checks.New(ctx, checks.Options{})
	if err != nil {
		return err
	}
	reviewer, err := checks.NewReviewer(ctx, engine)
	if err != nil {
		return err
	}
	d, err := webhook.NewDecider(reviewer, webhook.DeciderOptions{Cluster: "east", Exclude: []string{"kube-system", "meshcheck-system"}})
	if err != nil {
		return err
	}
	st := d.NewState(1, objs)
	d.Prepare(st)
	h := &webhook.Handler{Decider: d, States: fixed{st}, Metrics: webhook.NewMetrics(nil), Log: logr.Discard()}
	port, err := freePort()
	if err != nil {
		return err
	}
	srv := crwebhook.NewServer(crwebhook.Options{
		Host: "127.0.0.1", Port: port, CertDir: dir,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
	})
	srv.Register(webhook.Path, h.HTTP())
	errc := make(chan error, 1)
	go func() { errc <- srv.Start(ctx) }()
	for srv.StartedChecker()(nil) != nil {
		select {
		case err := <-errc:
			return fmt.Errorf("server: %w", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if cpuProfile != "" {
		f, err := os.Create(cpuProfile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	fmt.Printf("port %d\n", port)
	signal.Ignore(syscall.SIGINT)
	_, _ = io.Copy(io.Discard, os.Stdin) // until the client is done
	return nil
}

func run(rate int, duration, timeout time.Duration, n int, fixture, change, cpuProfile string) error {
	objs, err := cluster(fixture, n)
	if err != nil {
		return err
	}
	body, err := reviewBody(objs, change)
	if err != nil {
		return err
	}
	dir, err := os.MkdirTemp("", "meshcheck-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pool, err := writeCert(dir)
	if err != nil {
		return err
	}
	self, err := os.Executable()
	if err != nil {
		return err
	}
	server := exec.Command(self, "-serve", dir, "-objects", strconv.Itoa(n), "-fixture", fixture, "-cpuprofile", cpuProfile)
	server.Stderr = os.Stderr
	stdin, err := server.StdinPipe()
	if err != nil {
		return err
	}
	stdout, err := server.StdoutPipe()
	if err != nil {
		return err
	}
	if err := server.Start(); err != nil {
		return err
	}
	defer func() {
		stdin.Close()
		_ = server.Wait()
	}()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	var port int
	if _, scanErr := fmt.Sscanf(line, "port %d", &port); err != nil || scanErr != nil {
		return fmt.Errorf("server did not start: %q %v", line, err)
	}
	pid := server.Process.Pid

	client := &http.Client{Timeout: timeout, Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 256,
		ForceAttemptHTTP2:   true, // as the API server calls webhooks
	}}
	url := fmt.Sprintf("https://127.0.0.1:%d%s?timeout=%s", port, webhook.Path, timeout)

	var (
		mu                          sync.Mutex
		lat                         []time.Duration
		errs, overloaded, late, bad atomic.Int64
		denied, allowed             atomic.Int64
		wg                          sync.WaitGroup
	)
	send := func() {
		defer wg.Done()
		start := time.Now()
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err) {
				late.Add(1) // no answer within the timeout: the API server gave up
			} else {
				errs.Add(1)
			}
			return
		}
		var ar admissionv1.AdmissionReview
		err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ar)
		resp.Body.Close()
		elapsed := time.Since(start)
		mu.Lock()
		lat = append(lat, elapsed)
		mu.Unlock()
		switch {
		case elapsed > timeout:
			late.Add(1)
		case resp.StatusCode == http.StatusTooManyRequests:
			overloaded.Add(1)
		case err != nil || resp.StatusCode != http.StatusOK || ar.Response == nil:
			bad.Add(1) // another errored answer: the failure policy decides
		case ar.Response.Allowed:
			allowed.Add(1)
		default:
			denied.Add(1)
		}
	}
	// Warm the connections and the server's caches, outside the figures.
	for range 20 {
		wg.Add(1)
		send()
	}
	lat, errs, overloaded, late, bad, denied, allowed = nil, atomic.Int64{}, atomic.Int64{}, atomic.Int64{}, atomic.Int64{}, atomic.Int64{}, atomic.Int64{}

	// Open loop at a fixed rate: requests due are sent even when the
	// previous ones have not returned, and ticks missed under load are
	// made up, so the rate holds.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	sample := time.NewTicker(time.Second)
	defer sample.Stop()
	var rssSeen []int64
	cpu0, err := procCPU(pid)
	if err != nil {
		return err
	}
	begin := time.Now()
	end := begin.Add(duration)
	total := int(duration.Seconds() * float64(rate))
	sent := 0
	for now := time.Now(); now.Before(end); now = time.Now() {
		select {
		case <-tick.C:
			due := min(total, int(now.Sub(begin).Seconds()*float64(rate)))
			for ; sent < due; sent++ {
				wg.Add(1)
				go send()
			}
		case <-sample.C:
			rssSeen = append(rssSeen, procRSS(pid))
		}
	}
	wg.Wait()
	cpu1, err := procCPU(pid)
	if err != nil {
		return err
	}
	slices.Sort(lat)
	pct := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(float64(len(lat))*p/100))]
	}
	cpu := cpu1 - cpu0
	fmt.Printf("server CPU %s for %d requests: %s per request (TLS, HTTP, decoding and evaluation; /proc/%d/stat utime+stime)\n",
		cpu.Round(time.Millisecond), sent, (cpu / time.Duration(max(sent, 1))).Round(time.Microsecond), pid)
	fmt.Printf("requests %d in %s (%.0f/s), objects %d, change %s, timeout %s\n", sent, duration, float64(sent)/duration.Seconds(), n, change, timeout)
	fmt.Printf("answers: allowed %d, denied %d, overloaded %d, other errors %d, after the timeout %d, transport errors %d\n",
		allowed.Load(), denied.Load(), overloaded.Load(), bad.Load(), late.Load(), errs.Load())
	fmt.Printf("latency p50 %s  p90 %s  p99 %s  p99.9 %s  max %s\n", pct(50), pct(90), pct(99), pct(99.9), pct(100))
	if len(rssSeen) > 1 {
		fmt.Printf("server RSS first %d MiB, last %d MiB, max %d MiB\n", rssSeen[0]>>20, rssSeen[len(rssSeen)-1]>>20, slices.Max(rssSeen)>>20)
	}
	return nil
}

// procCPU is the user and system CPU time of process pid so far.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	// Fields after the command (in parentheses, which may hold spaces):
	// state is field 3, utime 14 and stime 15, in clock ticks.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	utime, err1 := strconv.ParseInt(f[11], 10, 64)
	stime, err2 := strconv.ParseInt(f[12], 10, 64)
	if err := errors.Join(err1, err2); err != nil {
		return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
	}
	const ticks = 100 // USER_HZ: sysconf(_SC_CLK_TCK), 100 on Linux
	return time.Duration(utime+stime) * time.Second / ticks, nil
}

type fixed struct{ st *webhook.State }

func (f fixed) State() *webhook.State { return f.st }
