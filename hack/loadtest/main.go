// Command loadtest drives meshcheck's admission handler over TLS on
// 127.0.0.1 at a fixed rate and reports latency percentiles, errors and
// the process's resident memory. The server is the real webhook server
// (controller-runtime, TLS 1.2+, certificate from a directory) with the real
// engine, over a synthetic cache of -objects objects; no API server is
// involved, so the figures are the webhook's own.
//
//	go run ./hack/loadtest -rate 500 -duration 60s -objects 10000
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"runtime/pprof"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/go-logr/logr"
	admissionv1 "k8s.io/api/admission/v1"
	ctrllog "sigs.k8s.io/controller-runtime/pkg/log"
	crwebhook "sigs.k8s.io/controller-runtime/pkg/webhook"
	"sigs.k8s.io/controller-runtime/pkg/webhook/admission"

	"github.com/meshcheck/meshcheck/checks"
	"github.com/meshcheck/meshcheck/internal/bigcluster"
	"github.com/meshcheck/meshcheck/webhook"
)

func main() {
	rate := flag.Int("rate", 500, "requests per second")
	duration := flag.Duration("duration", 60*time.Second, "how long to send")
	objects := flag.Int("objects", 10000, "objects in the webhook's cache")
	fixture := flag.String("fixture", strings.Join(bigcluster.Files, ","), "the cluster's Istio objects (comma-separated files); namespaces are added up to -objects")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
	change := flag.String("change", "label", "the update sent: label (a label no rule reads) or network (the network label, denied)")
	flag.Parse()
	webhook.TuneGC() // as the webhook's binary
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err == nil && pprof.StartCPUProfile(f) == nil {
			defer pprof.StopCPUProfile()
		}
	}
	if err := run(*rate, *duration, *objects, *fixture, *change); err != nil {
		fmt.Fprintln(os.Stderr, "loadtest:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

func run(rate int, duration time.Duration, n int, fixture, change string) error {
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
	d, err := webhook.NewDecider(engine, webhook.DeciderOptions{Cluster: "east", Exclude: []string{"kube-system", "meshcheck-system"}})
	if err != nil {
		return err
	}
	h := &webhook.Handler{Decider: d, States: fixed{webhook.NewState(1, objs)}, Metrics: webhook.NewMetrics(nil), Log: logr.Discard()}

	dir, err := os.MkdirTemp("", "meshcheck-loadtest-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	pool, err := writeCert(dir)
	if err != nil {
		return err
	}
	port, err := freePort()
	if err != nil {
		return err
	}
	srv := crwebhook.NewServer(crwebhook.Options{
		Host: "127.0.0.1", Port: port, CertDir: dir,
		TLSOpts: []func(*tls.Config){func(c *tls.Config) { c.MinVersion = tls.VersionTLS12 }},
	})
	srv.Register(webhook.Path, &admission.Webhook{Handler: h})
	go func() {
		if err := srv.Start(ctx); err != nil {
			fmt.Fprintln(os.Stderr, "server:", err)
		}
	}()
	for srv.StartedChecker()(nil) != nil {
		time.Sleep(10 * time.Millisecond)
	}
	body, err := reviewBody(objs, change)
	if err != nil {
		return err
	}
	client := &http.Client{Timeout: 3 * time.Second, Transport: &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12},
		MaxIdleConnsPerHost: 256,
	}}
	url := fmt.Sprintf("https://127.0.0.1:%d%s", port, webhook.Path)

	var (
		mu      sync.Mutex
		lat     []time.Duration
		errs    atomic.Int64
		denied  atomic.Int64
		wg      sync.WaitGroup
		maxRSS  int64
		rssSeen []int64
	)
	send := func() {
		defer wg.Done()
		start := time.Now()
		resp, err := client.Post(url, "application/json", bytes.NewReader(body))
		if err != nil {
			errs.Add(1)
			return
		}
		var ar admissionv1.AdmissionReview
		err = json.NewDecoder(io.LimitReader(resp.Body, 1<<20)).Decode(&ar)
		resp.Body.Close()
		elapsed := time.Since(start)
		if err != nil || resp.StatusCode != http.StatusOK || ar.Response == nil {
			errs.Add(1)
			return
		}
		if !ar.Response.Allowed && (ar.Response.Result == nil || ar.Response.Result.Code != http.StatusForbidden) {
			errs.Add(1) // an errored answer (overloaded, engine error): the failure policy would decide
			return
		}
		if !ar.Response.Allowed {
			denied.Add(1)
		}
		mu.Lock()
		lat = append(lat, elapsed)
		mu.Unlock()
	}
	// Open loop at a fixed rate: requests due are sent even when the
	// previous ones have not returned, and ticks missed under load are
	// made up, so the rate holds.
	tick := time.NewTicker(time.Millisecond)
	defer tick.Stop()
	sample := time.NewTicker(time.Second)
	defer sample.Stop()
	var ru0 syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru0)
	startCPU := time.Duration(ru0.Utime.Nano() + ru0.Stime.Nano())
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
			r := rss()
			rssSeen = append(rssSeen, r)
			maxRSS = max(maxRSS, r)
		}
	}
	wg.Wait()
	slices.Sort(lat)
	pct := func(p int) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, len(lat)*p/100)]
	}
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	cpu := time.Duration(ru.Utime.Nano()+ru.Stime.Nano()) - startCPU
	fmt.Printf("CPU %s for %d requests: %s per request (client, TLS, server and evaluation together)\n", cpu.Round(time.Millisecond), sent, (cpu / time.Duration(max(sent, 1))).Round(time.Microsecond))
	fmt.Printf("requests %d in %s (%.0f/s), objects %d, errors %d, denied %d\n", sent, duration, float64(sent)/duration.Seconds(), n, errs.Load(), denied.Load())
	fmt.Printf("latency p50 %s  p90 %s  p99 %s  max %s\n", pct(50), pct(90), pct(99), pct(100))
	if len(rssSeen) > 1 {
		fmt.Printf("RSS first %d MiB, last %d MiB, max %d MiB\n", rssSeen[0]>>20, rssSeen[len(rssSeen)-1]>>20, maxRSS>>20)
	}
	return nil
}

type fixed struct{ st *webhook.State }

func (f fixed) State() *webhook.State { return f.st }
