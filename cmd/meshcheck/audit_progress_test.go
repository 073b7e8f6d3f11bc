package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
	"k8s.io/client-go/rest"

	"github.com/meshcheck/meshcheck/live"
	"github.com/meshcheck/meshcheck/report"
)

func TestWaitingLine(t *testing.T) {
	begin := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	p := newProgress(&bytes.Buffer{}, 2, 30*time.Second)
	p.begin = begin
	var targets []live.Target
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j"} {
		targets = append(targets, live.Target{Name: n})
	}
	p.queued(targets)
	p.started(targets[1])
	p.reading["b"] = begin.Add(2 * time.Second)
	p.started(targets[0])
	p.reading["a"] = begin.Add(3 * time.Second)
	want := "audit: waiting for 10 of 10 clusters after 14s: b (reading for 12s), a (reading for 11s), c (queued), d (queued), e (queued), f (queued), g (queued), h (queued) and 2 more"
	if got := p.waitingLine(begin.Add(14*time.Second + 300*time.Millisecond)); got != want {
		t.Errorf("waitingLine =\n%q, want\n%q", got, want)
	}
	for _, tg := range targets {
		p.started(tg)
		p.done(live.Result{Target: tg})
	}
	if got := p.waitingLine(begin.Add(time.Minute)); got != "" {
		t.Errorf("nothing waits, yet: %q", got)
	}
}

// stalledAPIServer accepts connections and never answers: a cluster
// audit waits for until --timeout.
func stalledAPIServer(t *testing.T) *rest.Config {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-release:
		}
	}))
	t.Cleanup(srv.Close)
	t.Cleanup(func() { close(release) })
	return &rest.Config{Host: srv.URL}
}

// auditWithProgress runs audit in-process with the progress lines forced
// on (stderr is no terminal here) and listed every interval.
func auditWithProgress(t *testing.T, interval time.Duration, args ...string) (int, string) {
	t.Helper()
	o := &auditOptions{check: defaultCheckOptions(report.AuditFormats()), clusters: defaultClusterInputs()}
	fs := pflag.NewFlagSet("audit", pflag.ContinueOnError)
	o.AddFlags(fs)
	if err := fs.Parse(args); err != nil {
		t.Fatal(err)
	}
	on := true
	o.clusters.progress, o.clusters.waitingEvery = &on, interval
	var out, errb bytes.Buffer
	code := o.run(t.Context(), fs.Args(), streams{in: strings.NewReader(""), out: &out, err: &errb})
	return code, errb.String()
}

var (
	doneLine    = regexp.MustCompile(`^audit: (\S+): (\d+) objects(, \d+ problem\(s\))? in (\S+) \((\d+)/(\d+)\)$`)
	waitingLine = regexp.MustCompile(`^audit: waiting for (\d+) of (\d+) clusters after (\S+): (.*)$`)
	waitingItem = regexp.MustCompile(`^(\S+) \((reading for (\S+)|queued)\)$`)
)

// TestAuditProgress audits the three clusters of the shared fleet and two
// whose API servers never answer, one at a time: the start line names
// them all, each cluster gets its line as it is read, and every waiting
// line names exactly the clusters not yet read, the stalled one being
// read with its time so far and the others queued behind it.
func TestAuditProgress(t *testing.T) {
	f := sharedFleet(t)
	kc := f.kubeconfig(t, map[string]*rest.Config{"stalled-1": stalledAPIServer(t), "stalled-2": stalledAPIServer(t)})
	all := append(slices.Clone(auditFleetNames), "stalled-1", "stalled-2")
	args := []string{"--no-config", "--kubeconfig", kc, "--concurrency", "1", "--timeout", "1s", "-o", "json"}
	for _, n := range all {
		args = append(args, "--context", n)
	}
	start := time.Now()
	code, errs := auditWithProgress(t, 100*time.Millisecond, args...)
	t.Logf("audit of %d clusters in %s", len(all), time.Since(start).Round(time.Millisecond))
	if code != exitError {
		t.Errorf("exit %d, want %d (two clusters timed out)", code, exitError)
	}
	lines := strings.Split(strings.TrimSpace(errs), "\n")
	if want := "audit: reading 5 clusters (us-east, us-west, edge-1, stalled-1, stalled-2), 1 at once, each within 1s"; lines[0] != want {
		t.Errorf("start line %q, want %q", lines[0], want)
	}
	read := map[string]bool{}
	waits, queued := 0, 0
	stalledSince := map[string]time.Duration{}
	for _, line := range lines[1:] {
		if m := doneLine.FindStringSubmatch(line); m != nil {
			read[m[1]] = true
			if n, _ := strconv.Atoi(m[5]); n != len(read) || m[6] != "5" {
				t.Errorf("%q: want (%d/5)", line, len(read))
			}
			if stalled := strings.HasPrefix(m[1], "stalled-"); stalled != (m[3] != "") {
				t.Errorf("%q: only the stalled clusters have problems", line)
			}
			continue
		}
		if m := waitingLine.FindStringSubmatch(line); m != nil {
			waits++
			var named []string
			for _, item := range strings.Split(m[4], ", ") {
				im := waitingItem.FindStringSubmatch(item)
				if im == nil {
					t.Fatalf("%q: cannot parse %q", line, item)
				}
				named = append(named, im[1])
				if im[2] == "queued" {
					queued++
					continue
				}
				d, err := time.ParseDuration(im[3])
				if err != nil || d > 1500*time.Millisecond || d < stalledSince[im[1]] {
					t.Errorf("%q: %s has been read for %s, after %s before, with a 1s timeout", line, im[1], im[3], stalledSince[im[1]])
				}
				stalledSince[im[1]] = d
			}
			var unread []string
			for _, n := range all {
				if !read[n] {
					unread = append(unread, n)
				}
			}
			slices.Sort(named)
			slices.Sort(unread)
			if !slices.Equal(named, unread) || m[1] != strconv.Itoa(len(unread)) || m[2] != "5" {
				t.Errorf("%q names %v, want the clusters not yet read: %v", line, named, unread)
			}
			continue
		}
		if strings.HasPrefix(line, "audit: read 5 clusters in ") && strings.HasSuffix(line, ", 2 with problems (below)") {
			if len(read) != 5 {
				t.Errorf("end line before every cluster was read: %v", read)
			}
			continue
		}
		if !strings.HasPrefix(line, "meshcheck: cluster stalled-") {
			t.Errorf("unexpected line %q", line)
		}
	}
	if len(read) != 5 {
		t.Errorf("clusters read: %v, want all five", read)
	}
	if waits == 0 || queued == 0 {
		t.Errorf("%d waiting lines, %d queued clusters in them; want some of each:\n%s", waits, queued, errs)
	}
	for _, n := range []string{"stalled-1", "stalled-2"} {
		if stalledSince[n] < 500*time.Millisecond {
			t.Errorf("%s never shown reading for long (%s), yet it took 1s:\n%s", n, stalledSince[n], errs)
		}
	}
	if testing.Verbose() {
		t.Logf("stderr:\n%s", errs)
	}

	// Peers found in remote secrets: a start line for each round.
	_, errs = auditWithProgress(t, time.Hour, "--no-config", "--kubeconfig", f.kubeconfig(t, nil), "--context", "us-east", "--from-remote-secrets", "-o", "json")
	var starts []string
	for _, line := range strings.Split(errs, "\n") {
		if strings.HasPrefix(line, "audit: reading ") {
			starts = append(starts, line)
		}
	}
	if len(starts) < 2 || starts[0] != "audit: reading 1 cluster (us-east), 4 at once, each within 30s" ||
		!strings.HasPrefix(starts[1], "audit: reading ") || !strings.Contains(starts[1], " more cluster") || !strings.Contains(starts[1], ", named by remote secrets (") ||
		!strings.Contains(starts[1], "(via remote secret in us-east)") {
		t.Errorf("start lines with --from-remote-secrets: %q\n%s", starts, errs)
	}

	// Not forced, and stderr no terminal: no progress at all; --progress
	// always prints it there (a CI log), never silences it.
	_, _, errs = runCLI(t, t.TempDir(), "", append([]string{"audit"}, args...)...)
	if strings.Contains(errs, "audit: ") {
		t.Errorf("progress lines on a non-terminal:\n%s", errs)
	}
	_, _, errs = runCLI(t, t.TempDir(), "", append([]string{"audit", "--progress=always"}, args...)...)
	if !strings.Contains(errs, "audit: reading 5 clusters (") || !strings.Contains(errs, "audit: read 5 clusters in ") {
		t.Errorf("--progress=always to a pipe: no start and end lines:\n%s", errs)
	}
	if code, _, errs := runCLI(t, t.TempDir(), "", append([]string{"audit", "--progress=sometimes"}, args...)...); code != exitError || !strings.Contains(errs, `--progress "sometimes": want auto, always or never`) {
		t.Errorf("--progress=sometimes: exit %d, want %d with the choices:\n%s", code, exitError, errs)
	}
}
