package main

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/spf13/pflag"

	"github.com/meshcheck/meshcheck/webhook"
)

// --report turns the in-cluster report on, its Lease in the webhook's
// namespace; without it there is none; a non-positive interval is refused.
func TestReportFlags(t *testing.T) {
	tests := []struct {
		args    []string
		want    *webhook.ReportOptions
		wantErr string
	}{
		{nil, nil, ""},
		{[]string{"--report"}, &webhook.ReportOptions{Namespace: "meshcheck-system", Interval: 10 * time.Minute}, ""},
		{[]string{"--report", "--namespace", "mc", "--report-interval", "90s"}, &webhook.ReportOptions{Namespace: "mc", Interval: 90 * time.Second}, ""},
		{[]string{"--report", "--report-interval", "0s"}, nil, "--report-interval 0s"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Setenv("POD_NAMESPACE", "")
			o := defaultServeOptions()
			fs := pflag.NewFlagSet("serve", pflag.ContinueOnError)
			o.AddFlags(fs)
			if err := fs.Parse(tt.args); err != nil {
				t.Fatal(err)
			}
			got, err := o.reportOptions()
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Errorf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, got); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
		})
	}
}
