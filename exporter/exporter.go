// Package exporter serves why401 diagnoses as Prometheus metrics, in the
// manner of the blackbox exporter: GET /probe?target=URL&module=NAME runs
// one diagnosis and answers with the metrics of that run only, from a
// registry made for the request.
//
// A module names how to call the target (credentials, headers, TLS). Its
// credentials are real ones, so a probe that would send them is not
// repeated more often than the module's min_interval (default 60 s): a
// scrape inside that window gets the last result again. Scraping every
// 15 s with a wrong password would otherwise lock the account out
// (fail2ban: 5 failures in 10 minutes; Wordfence: 20 in 4 hours).
package exporter

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	why401 "github.com/why401/why401"
	"github.com/why401/why401/checks"
	"github.com/why401/why401/internal/redact"
	"github.com/why401/why401/probe"
	"github.com/why401/why401/render"
)

// Module says how to call a target. Secrets come from files or the
// environment, never from the config file itself.
type Module struct {
	Method       string            `json:"method"`
	User         string            `json:"user"`
	PasswordFile string            `json:"password_file"`
	PasswordEnv  string            `json:"password_env"`
	BearerFile   string            `json:"bearer_file"`
	BearerEnv    string            `json:"bearer_env"`
	Headers      map[string]string `json:"headers"`
	Insecure     bool              `json:"insecure"`
	AllowHTTP    bool              `json:"allow_http"`
	Timeout      Duration          `json:"timeout"`
	MinInterval  Duration          `json:"min_interval"`
}

// Config is the exporter's configuration file (JSON).
type Config struct {
	Modules map[string]Module `json:"modules"`
}

// Duration is a time.Duration written as "10s" in JSON.
type Duration time.Duration

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string such as \"10s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// DefaultConfig has one module, "default": no credentials.
func DefaultConfig() *Config {
	return &Config{Modules: map[string]Module{"default": {}}}
}

// LoadConfig reads a configuration file and checks that every secret it
// names can be read.
func LoadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("exporter: %w", err)
	}
	var c Config
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("exporter: %s: %w", path, err)
	}
	if len(c.Modules) == 0 {
		return nil, fmt.Errorf("exporter: %s defines no module", path)
	}
	for name, m := range c.Modules {
		if _, err := m.input("https://example.invalid/"); err != nil {
			return nil, fmt.Errorf("exporter: module %q: %w", name, err)
		}
	}
	return &c, nil
}

func secret(file, env, what string) (redact.Secret, error) {
	switch {
	case file != "":
		b, err := os.ReadFile(file)
		if err != nil {
			return redact.Secret{}, fmt.Errorf("%s file: %w", what, err)
		}
		return redact.New(strings.TrimRight(string(b), "\r\n")), nil
	case env != "":
		v, ok := os.LookupEnv(env)
		if !ok {
			return redact.Secret{}, fmt.Errorf("%s: environment variable %s is not set", what, env)
		}
		return redact.New(v), nil
	}
	return redact.Secret{}, nil
}

// input builds the diagnosis input for target.
func (m Module) input(target string) (*why401.Input, error) {
	in := &why401.Input{Method: m.Method, URL: target, Header: http.Header{}, Source: "url", Now: time.Now()}
	for k, v := range m.Headers {
		in.Header.Set(k, v)
	}
	if m.User != "" {
		p, err := secret(m.PasswordFile, m.PasswordEnv, "password")
		if err != nil {
			return nil, err
		}
		in.Creds.User, in.Creds.Password, in.Creds.HasUser = m.User, p, true
	}
	b, err := secret(m.BearerFile, m.BearerEnv, "bearer token")
	if err != nil {
		return nil, err
	}
	in.Creds.Bearer = b
	return in, nil
}

// Handler serves /probe, /metrics (the exporter's own) and a short index.
type Handler struct {
	cfg *Config
	mux *http.ServeMux
	// Diagnose runs one diagnosis; tests replace it.
	diagnose func(ctx context.Context, in *why401.Input, o probe.Options) (*why401.Report, error)

	mu    sync.Mutex
	cache map[string]cached
}

type cached struct {
	at     time.Time
	report *why401.Report
	err    error
	dur    time.Duration
}

// New returns the exporter's handler.
func New(cfg *Config) *Handler {
	h := &Handler{cfg: cfg, mux: http.NewServeMux(), cache: map[string]cached{}, diagnose: run}
	h.mux.HandleFunc("GET /probe", h.probe)
	h.mux.Handle("GET /metrics", promhttp.Handler())
	h.mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "why401 exporter: GET /probe?target=URL&module=NAME (add &debug=true for the text report); /metrics")
	})
	return h
}

func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) { h.mux.ServeHTTP(w, r) }

func run(ctx context.Context, in *why401.Input, o probe.Options) (*why401.Report, error) {
	s, err := probe.New(in, o)
	if err != nil {
		return nil, err
	}
	defer s.Close()
	return checks.Diagnose(ctx, in, s, false)
}

func (h *Handler) probe(w http.ResponseWriter, r *http.Request) {
	target := r.URL.Query().Get("target")
	name := r.URL.Query().Get("module")
	if name == "" {
		name = "default"
	}
	m, ok := h.cfg.Modules[name]
	if !ok {
		http.Error(w, fmt.Sprintf("unknown module %q", name), http.StatusBadRequest)
		return
	}
	if target == "" {
		http.Error(w, "target parameter is missing", http.StatusBadRequest)
		return
	}
	if _, err := probe.ParseURL(target); err != nil {
		http.Error(w, strings.TrimPrefix(err.Error(), "probe: "), http.StatusBadRequest)
		return
	}
	c := h.result(r.Context(), name, m, target)
	if r.URL.Query().Get("debug") == "true" {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		if c.report != nil {
			_ = render.Text(w, c.report, render.Options{Width: -1})
		}
		if c.err != nil {
			fmt.Fprintf(w, "error: %s\n", strings.TrimPrefix(c.err.Error(), "probe: "))
		}
		return
	}
	reg := prometheus.NewRegistry()
	register(reg, c)
	promhttp.HandlerFor(reg, promhttp.HandlerOpts{}).ServeHTTP(w, r)
}

// result runs the diagnosis, or returns the cached one when the module
// sends credentials and the last run is younger than min_interval.
func (h *Handler) result(ctx context.Context, name string, m Module, target string) cached {
	key := name + " " + target
	interval := time.Duration(m.MinInterval)
	if interval <= 0 {
		interval = time.Minute
	}
	sendsCreds := m.User != "" || m.BearerFile != "" || m.BearerEnv != ""
	h.mu.Lock()
	c, ok := h.cache[key]
	h.mu.Unlock()
	if ok && sendsCreds && time.Since(c.at) < interval {
		return c
	}
	in, err := m.input(target)
	if err != nil {
		return cached{at: time.Now(), err: err}
	}
	timeout := time.Duration(m.Timeout)
	if timeout <= 0 {
		timeout = 10 * time.Second
	}
	start := time.Now()
	rep, err := h.diagnose(ctx, in, probe.Options{MaxTime: timeout, Insecure: m.Insecure, AllowHTTP: m.AllowHTTP, UserAgent: "why401-exporter"})
	c = cached{at: time.Now(), report: rep, err: err, dur: time.Since(start)}
	if err != nil && rep == nil {
		c.err = errors.New(redact.Text(err.Error(), in.Creds.Password, in.Creds.Bearer))
	}
	h.mu.Lock()
	if len(h.cache) > 10000 {
		clear(h.cache)
	}
	h.cache[key] = c
	h.mu.Unlock()
	return c
}

// register sets the metrics of one run.
func register(reg *prometheus.Registry, c cached) {
	gauge := func(name, help string, v float64) {
		g := prometheus.NewGauge(prometheus.GaugeOpts{Name: name, Help: help})
		g.Set(v)
		reg.MustRegister(g)
	}
	b := func(ok bool) float64 {
		if ok {
			return 1
		}
		return 0
	}
	r := c.report
	reachable := r != nil && r.Status != 0
	gauge("why401_probe_success", "1 when the target answered without an authentication problem.", b(reachable && !r.Problem()))
	gauge("why401_probe_duration_seconds", "How long the diagnosis took.", c.dur.Seconds())
	gauge("why401_probe_age_seconds", "Age of the result (results that send credentials are reused within min_interval).", time.Since(c.at).Seconds())
	if r == nil {
		return
	}
	gauge("why401_http_status_code", "Final HTTP status of the user's request (0: no response).", float64(r.Status))
	gauge("why401_exchanges", "Requests the diagnosis sent.", float64(len(r.Exchanges)))
	accepted, rejected := false, false
	for _, f := range r.Findings {
		accepted = accepted || f.ID == "credentials.accepted"
		rejected = rejected || f.ID == "credentials.rejected"
	}
	gauge("why401_credentials_accepted", "1 when credentials were sent and accepted.", b(accepted))
	gauge("why401_credentials_rejected", "1 when credentials were sent and refused.", b(rejected))
	findings := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "why401_finding", Help: "One series per finding of the diagnosis."}, []string{"id", "severity", "who"})
	for _, f := range r.Findings {
		findings.WithLabelValues(f.ID, f.Severity.String(), string(f.Who)).Set(1)
	}
	reg.MustRegister(findings)
	verdict := prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "why401_verdict", Help: "The top-ranked finding (id empty: none)."}, []string{"id"})
	verdict.WithLabelValues(r.Verdict.ID).Set(1)
	reg.MustRegister(verdict)
}
