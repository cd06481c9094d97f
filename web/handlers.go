package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	why401 "github.com/why401/why401"
	"github.com/why401/why401/har"
	"github.com/why401/why401/render"
)

// index is the page with the three inputs and the history.
func (s *Server) index(w http.ResponseWriter, r *http.Request) {
	s.page(w, http.StatusOK, s.pageData(r))
}

// checkURL diagnoses the URL form, stores the result and redirects to it
// (POST, redirect, GET: reloading the result does not send the request
// again, and the browser's history holds an address, not a form).
func (s *Server) checkURL(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	f := readURLForm(v)
	formError := func(status int, msg string) {
		d := s.pageData(r)
		d.Form = f.refill()
		d.Form.Error = msg
		s.page(w, status, d)
	}
	in, opts, err := f.input(s.opts.Now())
	if err != nil {
		formError(http.StatusBadRequest, err.Error())
		return
	}
	rep, err := s.run(r.Context(), in, opts)
	var ie *inputError
	switch {
	case errors.As(err, &ie):
		formError(http.StatusBadRequest, ie.msg)
		return
	case errors.Is(err, errBusy):
		formError(http.StatusServiceUnavailable, err.Error())
		return
	case rep == nil:
		formError(http.StatusBadGateway, cleanErr(err))
		return
	}
	s.store(w, r, &entry{Source: "url", Title: rep.Target.Method + " " + rep.Target.URL, Err: errText(err), Reports: []*why401.Report{rep}})
}

// checkCurl diagnoses a pasted curl command line.
func (s *Server) checkCurl(w http.ResponseWriter, r *http.Request) {
	v, ok := s.readForm(w, r)
	if !ok {
		return
	}
	curlError := func(status int, msg string) {
		d := s.pageData(r)
		d.CurlError = msg // the command itself is never written back
		s.page(w, status, d)
	}
	cmdline := strings.TrimSpace(v.Get("curl"))
	if cmdline == "" {
		curlError(http.StatusBadRequest, "Paste a curl command line (in DevTools: Network, right-click the request, Copy, Copy as cURL).")
		return
	}
	in, opts, notes, err := curlInput(cmdline, s.opts.Now())
	if err != nil {
		curlError(http.StatusBadRequest, cleanErr(err))
		return
	}
	// curl sends credentials over plain http; why401 only when asked.
	opts.AllowHTTP = v.Get("allow_http") != ""
	rep, err := s.run(r.Context(), in, opts)
	var ie *inputError
	switch {
	case errors.As(err, &ie):
		curlError(http.StatusBadRequest, ie.msg)
		return
	case errors.Is(err, errBusy):
		curlError(http.StatusServiceUnavailable, err.Error())
		return
	case rep == nil:
		curlError(http.StatusBadGateway, cleanErr(err))
		return
	}
	s.store(w, r, &entry{Source: "curl", Title: rep.Target.Method + " " + rep.Target.URL, Err: errText(err), Notes: notes, Reports: []*why401.Report{rep}})
}

// readForm reads a url-encoded form of bounded size and checks its token.
// It answers the request itself when it returns false.
func (s *Server) readForm(w http.ResponseWriter, r *http.Request) (url.Values, bool) {
	if r.ContentLength > maxFormBytes {
		closeEarly(w, r)
		http.Error(w, "This form is larger than a form can be.", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxFormBytes)
	if err := r.ParseForm(); err != nil {
		http.Error(w, "The form could not be read: it is malformed or too large.", http.StatusBadRequest)
		return nil, false
	}
	// PostForm only: values in the query string are ignored, so a secret
	// put there by a crafted link is never used.
	if !s.tokenOK(r, r.PostForm.Get("token")) {
		s.refuseToken(w, r)
		return nil, false
	}
	return r.PostForm, true
}

// checkHAR diagnoses an uploaded HAR export, streaming it from the request
// into the reader: the file is never held whole, nor written anywhere.
// The upload is a multipart form (the page's file input; the token part
// comes first, as the form puts it first) or a raw body with the token in
// the X-Why401-Token header.
func (s *Server) checkHAR(w http.ResponseWriter, r *http.Request) {
	harError := func(status int, msg string) {
		d := s.pageData(r)
		d.HARError = msg
		s.page(w, status, d)
	}
	limit := s.opts.MaxUpload
	tooBig := "The file is larger than the " + sizeText(limit) + " upload limit. Export only the requests around the 401 (DevTools: filter, then Save all as HAR), or run `why401 har FILE` on the command line, which has no limit."
	if r.ContentLength > limit+64<<10 {
		// Refused from the declared size, before a byte of the body is
		// read; the connection is closed rather than drained.
		closeEarly(w, r)
		harError(http.StatusRequestEntityTooLarge, tooBig)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, limit+64<<10) // room for the multipart framing
	var file io.Reader
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if mt == "multipart/form-data" {
		mr, err := r.MultipartReader()
		if err != nil {
			harError(http.StatusBadRequest, "The upload could not be read.")
			return
		}
		token := ""
		for file == nil {
			p, err := mr.NextPart()
			if err != nil {
				break
			}
			switch p.FormName() {
			case "token":
				b, _ := io.ReadAll(io.LimitReader(p, 256))
				token = string(b)
			case "har":
				if !s.tokenOK(r, token) {
					s.refuseToken(w, r)
					return
				}
				if p.FileName() == "" {
					// An empty file input still sends a part.
					break
				}
				file = p
			}
		}
		if file == nil {
			if !s.tokenOK(r, token) {
				s.refuseToken(w, r)
				return
			}
			harError(http.StatusBadRequest, "Choose a HAR file first (in DevTools: Network, then the download arrow, \"Export HAR\").")
			return
		}
	} else {
		if !s.tokenOK(r, "") {
			s.refuseToken(w, r)
			return
		}
		file = r.Body
	}
	if !s.acquire(r.Context()) {
		harError(http.StatusServiceUnavailable, errBusy.Error())
		return
	}
	ctx, cancel := context.WithTimeout(r.Context(), s.opts.MaxTime+time.Minute)
	reports, sum, err := harReports(ctx, file, maxHARReports)
	cancel()
	s.release()
	var mbe *http.MaxBytesError
	var he *har.Error
	switch {
	case errors.As(err, &mbe):
		harError(http.StatusRequestEntityTooLarge, tooBig)
		return
	case errors.As(err, &he):
		harError(http.StatusBadRequest, "This is not a HAR file that why401 can read: "+strings.TrimPrefix(he.Error(), "har: ")+". Export it again from the browser's Network panel.")
		return
	case err != nil:
		harError(http.StatusBadRequest, "The file could not be read: "+cleanErr(err)+".")
		return
	}
	title := fmt.Sprintf("HAR export: %d entries, %d with 401 or 407", sum.Entries, sum.Found)
	s.store(w, r, &entry{Source: "har", Title: title, Reports: reports, HAR: sum})
}

// store keeps a result in the history and sends the browser to it.
func (s *Server) store(w http.ResponseWriter, r *http.Request, e *entry) {
	e.Time = s.opts.Now()
	id := s.history.add(e)
	http.Redirect(w, r, "/r/"+id, http.StatusSeeOther)
}

// result shows one stored diagnosis.
func (s *Server) result(w http.ResponseWriter, r *http.Request) {
	e := s.history.get(r.PathValue("id"))
	if e == nil {
		d := s.pageData(r)
		d.Form.Error = "That result is no longer in the history (it keeps the last " + strconv.Itoa(s.opts.History) + " diagnoses, in memory only)."
		s.page(w, http.StatusNotFound, d)
		return
	}
	d := s.pageData(r)
	d.Result = s.resultView(e)
	d.Title = "why401: " + e.Title
	s.page(w, http.StatusOK, d)
}

// download sends a stored diagnosis as Markdown or JSON, secrets redacted
// (they were never in the report, and scrub removed any echo).
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	e := s.history.get(r.PathValue("id"))
	if e == nil {
		http.Error(w, "That result is no longer in the history.", http.StatusNotFound)
		return
	}
	var b bytes.Buffer
	ext := "md"
	ctype := "text/markdown; charset=utf-8"
	if strings.HasSuffix(r.URL.Path, ".json") {
		ext, ctype = "json", "application/json"
		if err := writeJSON(&b, e); err != nil {
			http.Error(w, "The JSON report could not be written.", http.StatusInternalServerError)
			return
		}
	} else if err := s.writeMarkdown(&b, e); err != nil {
		http.Error(w, "The Markdown report could not be written.", http.StatusInternalServerError)
		return
	}
	name := "why401-" + e.Time.UTC().Format("20060102-150405") + "." + ext
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+name+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, _ = w.Write(b.Bytes())
}

// renderOptions are the options of every rendering of an entry: the
// catalogue's explanations, every exchange's headers (redacted), the date
// of the diagnosis.
func (s *Server) renderOptions(e *entry) render.Options {
	return render.Options{
		Explain: explainText,
		Verbose: true,
		Now:     func() time.Time { return e.Time },
		Version: s.version(),
	}
}

func (s *Server) writeMarkdown(w io.Writer, e *entry) error {
	o := s.renderOptions(e)
	if e.HAR != nil {
		fmt.Fprintf(w, "# why401: HAR export\n\n%d entries; %d answered 401 or 407.", e.HAR.Entries, e.HAR.Found)
		if e.HAR.Found > len(e.Reports) {
			fmt.Fprintf(w, " The first %d are reported below.", len(e.Reports))
		}
		if e.HAR.Sanitized {
			fmt.Fprint(w, " The export was sanitized: whether credentials were sent cannot be known from it.")
		}
		fmt.Fprint(w, "\n\n")
	}
	for i, rep := range e.Reports {
		if i > 0 {
			fmt.Fprint(w, "\n---\n\n")
		}
		if err := render.Markdown(w, rep, o); err != nil {
			return err
		}
	}
	return nil
}

// writeJSON writes the why401/v1 document of a URL or curl diagnosis, or
// the why401/har/v1 document of a HAR (DESIGN.md §2).
func writeJSON(w io.Writer, e *entry) error {
	if e.HAR == nil {
		if len(e.Reports) != 1 {
			return errors.New("web: no report")
		}
		return render.JSON(w, e.Reports[0])
	}
	docs := make([]json.RawMessage, 0, len(e.Reports))
	for _, rep := range e.Reports {
		var b bytes.Buffer
		if err := render.JSONLines(&b, rep); err != nil {
			return err
		}
		docs = append(docs, json.RawMessage(bytes.TrimSpace(b.Bytes())))
	}
	counts := map[string]int{}
	for code, n := range e.HAR.StatusCounts {
		counts[strconv.Itoa(code)] = n
	}
	doc := struct {
		Schema       string            `json:"schema"`
		Entries      int               `json:"entries"`
		StatusCounts map[string]int    `json:"status_counts"`
		Sanitized    bool              `json:"sanitized"`
		Reports      []json.RawMessage `json:"reports"`
	}{"why401/har/v1", e.HAR.Entries, counts, e.HAR.Sanitized, docs}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(doc)
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return cleanErr(err)
}

// sizeText is a byte count for people: "256 MiB".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return strconv.FormatInt(n>>30, 10) + " GiB"
	case n >= 1<<20:
		return strconv.FormatInt(n>>20, 10) + " MiB"
	case n >= 1<<10:
		return strconv.FormatInt(n>>10, 10) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " bytes"
}

// sortedCounts lists status counts by status.
func sortedCounts(m map[int]int) []statusCount {
	out := make([]statusCount, 0, len(m))
	for code, n := range m {
		out = append(out, statusCount{Status: code, N: n})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Status < out[j].Status })
	return out
}

type statusCount struct {
	Status int
	N      int
}
