// Package hartest writes large, realistic HAR files for tests and
// benchmarks: the shape of a Chrome DevTools export (HTTP/2 pseudo-headers,
// cookies, timings, _initiator stacks, _transferSize, text bodies and base64
// images and fonts), with about 1% of entries answered 401 with a
// WWW-Authenticate challenge. The output depends only on the options, so a
// benchmark measures the same file every time.
package hartest

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"
)

// Options describe the file to write.
type Options struct {
	// Size is the approximate size of the file in bytes; at least one
	// entry is written.
	Size int64
	// Seed chooses the file; the same seed gives the same bytes.
	Seed uint64
	// Rate401 is the share of entries answered 401 (0 means 0.01).
	Rate401 float64
	// Sanitized writes what Chrome ≥ 130 exports by default: no Cookie,
	// Set-Cookie or Authorization headers and empty cookies arrays.
	Sanitized bool
}

// Stats describe a written file.
type Stats struct {
	Entries int
	Status  map[int]int // entries per status
	Bytes   int64
}

type nv struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type cookie struct {
	Name     string `json:"name"`
	Value    string `json:"value"`
	Path     string `json:"path"`
	Domain   string `json:"domain"`
	Expires  string `json:"expires"`
	HTTPOnly bool   `json:"httpOnly"`
	Secure   bool   `json:"secure"`
	SameSite string `json:"sameSite,omitempty"`
}

type callFrame struct {
	FunctionName string `json:"functionName"`
	ScriptID     string `json:"scriptId"`
	URL          string `json:"url"`
	LineNumber   int    `json:"lineNumber"`
	ColumnNumber int    `json:"columnNumber"`
}

type stack struct {
	CallFrames []callFrame `json:"callFrames"`
	Parent     *stack      `json:"parent,omitempty"`
}

type initiator struct {
	Type       string `json:"type"`
	URL        string `json:"url,omitempty"`
	LineNumber *int   `json:"lineNumber,omitempty"`
	Stack      *stack `json:"stack,omitempty"`
}

type postData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
}

type request struct {
	Method      string    `json:"method"`
	URL         string    `json:"url"`
	HTTPVersion string    `json:"httpVersion"`
	Headers     []nv      `json:"headers"`
	QueryString []nv      `json:"queryString"`
	Cookies     []cookie  `json:"cookies"`
	HeadersSize int       `json:"headersSize"`
	BodySize    int       `json:"bodySize"`
	PostData    *postData `json:"postData,omitempty"`
}

type content struct {
	Size        int    `json:"size"`
	MimeType    string `json:"mimeType"`
	Compression *int   `json:"compression,omitempty"`
	Text        string `json:"text,omitempty"`
	Encoding    string `json:"encoding,omitempty"`
}

type response struct {
	Status       int      `json:"status"`
	StatusText   string   `json:"statusText"`
	HTTPVersion  string   `json:"httpVersion"`
	Headers      []nv     `json:"headers"`
	Cookies      []cookie `json:"cookies"`
	Content      content  `json:"content"`
	RedirectURL  string   `json:"redirectURL"`
	HeadersSize  int      `json:"headersSize"`
	BodySize     int      `json:"bodySize"`
	TransferSize int      `json:"_transferSize"`
	Error        *string  `json:"_error"`
	ViaSW        bool     `json:"_fetchedViaServiceWorker"`
}

type timings struct {
	Blocked  float64 `json:"blocked"`
	DNS      float64 `json:"dns"`
	SSL      float64 `json:"ssl"`
	Connect  float64 `json:"connect"`
	Send     float64 `json:"send"`
	Wait     float64 `json:"wait"`
	Receive  float64 `json:"receive"`
	Queueing float64 `json:"_blocked_queueing"`
}

type entry struct {
	ConnectionID string    `json:"_connectionId"`
	Initiator    initiator `json:"_initiator"`
	Priority     string    `json:"_priority"`
	ResourceType string    `json:"_resourceType"`
	Cache        struct{}  `json:"cache"`
	Connection   string    `json:"connection"`
	PageRef      string    `json:"pageref"`
	Request      request   `json:"request"`
	Response     response  `json:"response"`
	ServerIP     string    `json:"serverIPAddress"`
	Started      string    `json:"startedDateTime"`
	Time         float64   `json:"time"`
	Timings      timings   `json:"timings"`
}

// pools of body text, built once per Generate from the seed.
type pools struct {
	text []byte // printable text with quotes, newlines and some non-ASCII
	b64  string // base64 of random bytes
}

const poolSize = 1 << 20

func newPools(r *rand.Rand) *pools {
	words := []string{"function", "return", "const", "var", "the", "auth", "session", "</div>", "<span class=\"x\">",
		"if", "else", "{", "}", "=>", "\"use strict\";", "café", "日本語", "login", "token", "width:", "100%;", "\n", "\t", "\\n"}
	var t bytes.Buffer
	for t.Len() < poolSize {
		t.WriteString(words[r.IntN(len(words))])
		t.WriteByte(' ')
	}
	raw := make([]byte, poolSize/4*3)
	for i := range raw {
		raw[i] = byte(r.Uint32())
	}
	return &pools{text: t.Bytes(), b64: base64.StdEncoding.EncodeToString(raw)}
}

// textOf returns n bytes of text starting at a random place, cut at a rune
// boundary.
func (p *pools) textOf(r *rand.Rand, n int) string {
	n = min(n, len(p.text)-8)
	off := r.IntN(len(p.text) - n)
	for off > 0 && p.text[off]&0xc0 == 0x80 {
		off--
	}
	end := off + n
	for end < len(p.text) && p.text[end]&0xc0 == 0x80 {
		end++
	}
	return string(p.text[off:end])
}

func (p *pools) b64Of(r *rand.Rand, n int) string {
	n = min(n/4*4, len(p.b64)-4)
	off := r.IntN((len(p.b64)-n)/4) * 4
	return p.b64[off : off+n]
}

type kind struct {
	weight   int
	typ      string // _resourceType
	mime     string
	ext      string
	min, max int // body size
	binary   bool
}

var kinds = []kind{
	{5, "document", "text/html", "", 4 << 10, 40 << 10, false},
	{20, "script", "application/javascript", ".js", 8 << 10, 120 << 10, false},
	{10, "stylesheet", "text/css", ".css", 4 << 10, 60 << 10, false},
	{33, "image", "image/png", ".png", 2 << 10, 160 << 10, true},
	{5, "font", "font/woff2", ".woff2", 20 << 10, 80 << 10, true},
	{27, "fetch", "application/json", "", 300, 8 << 10, false},
}

var hosts = []string{"www.example.com", "static.example-cdn.net", "api.example.com", "fonts.example-fonts.com", "metrics.example.org"}

const ua = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36"

// Generate writes a HAR of about o.Size bytes to w.
func Generate(w io.Writer, o Options) (Stats, error) {
	if o.Rate401 <= 0 {
		o.Rate401 = 0.01
	}
	r := rand.New(rand.NewPCG(o.Seed, o.Seed^0x9e3779b97f4a7c15))
	p := newPools(r)
	cw := &countWriter{w: w}
	bw := bufio.NewWriterSize(cw, 1<<20)
	st := Stats{Status: map[int]int{}}
	fmt.Fprint(bw, `{
  "log": {
    "version": "1.2",
    "creator": {
      "name": "WebInspector",
      "version": "537.36"
    },
    "pages": [
      {
        "startedDateTime": "2024-05-01T10:00:00.000Z",
        "id": "page_1",
        "title": "https://www.example.com/",
        "pageTimings": {
          "onContentLoad": 812.4,
          "onLoad": 1530.9
        }
      }
    ],
    "entries": [`)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("      ", "  ")
	start := time.Date(2024, 5, 1, 10, 0, 0, 0, time.UTC)
	total := 0
	for _, k := range kinds {
		total += k.weight
	}
	for i := 0; ; i++ {
		e := makeEntry(r, p, i, start.Add(time.Duration(i)*37*time.Millisecond), o, total)
		buf.Reset()
		if err := enc.Encode(e); err != nil {
			return st, err
		}
		if i > 0 {
			bw.WriteString(",")
		}
		bw.WriteString("\n      ")
		bw.Write(bytes.TrimRight(buf.Bytes(), "\n"))
		st.Entries++
		st.Status[e.Response.Status]++
		if cw.n+int64(bw.Buffered()) >= o.Size {
			break
		}
	}
	bw.WriteString("\n    ]\n  }\n}\n")
	if err := bw.Flush(); err != nil {
		return st, err
	}
	st.Bytes = cw.n
	return st, nil
}

type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(b []byte) (int, error) {
	n, err := c.w.Write(b)
	c.n += int64(n)
	return n, err
}

func makeEntry(r *rand.Rand, p *pools, i int, at time.Time, o Options, total int) *entry {
	pick := r.IntN(total)
	var k kind
	for _, kk := range kinds {
		if pick < kk.weight {
			k = kk
			break
		}
		pick -= kk.weight
	}
	host := hosts[r.IntN(len(hosts))]
	status, statusText := 200, ""
	is401 := r.Float64() < o.Rate401
	redirect := !is401 && r.IntN(100) == 0
	path := fmt.Sprintf("/assets/%x/%d%s", r.Uint32(), i, k.ext)
	if k.typ == "fetch" || is401 {
		host = "api.example.com"
		path = fmt.Sprintf("/v2/items/%d?page=%d&fields=id,name", r.IntN(100000), r.IntN(20))
		k = kinds[len(kinds)-1]
	}
	url := "https://" + host + path
	sid := fmt.Sprintf("s%016x", r.Uint64())
	cookies := []cookie{
		{"_ga", fmt.Sprintf("GA1.1.%d.%d", r.Uint32(), 1714550000+i), "/", ".example.com", "2025-06-05T10:00:00.000Z", false, false, ""},
		{"session", sid, "/", "api.example.com", "1969-12-31T23:59:59.000Z", true, true, "Lax"},
		{"consent", "yes", "/", ".example.com", "2025-05-01T10:00:00.000Z", false, true, "Lax"},
	}
	cookieHeader := make([]string, len(cookies))
	for j, c := range cookies {
		cookieHeader[j] = c.Name + "=" + c.Value
	}
	reqH := []nv{
		{":authority", host}, {":method", "GET"}, {":path", path}, {":scheme", "https"},
		{"accept", "*/*"}, {"accept-encoding", "gzip, deflate, br, zstd"}, {"accept-language", "en-US,en;q=0.9"},
		{"cookie", strings.Join(cookieHeader, "; ")},
		{"priority", "u=1, i"}, {"referer", "https://www.example.com/"},
		{"sec-ch-ua", `"Google Chrome";v="131", "Chromium";v="131", "Not_A Brand";v="24"`},
		{"sec-ch-ua-mobile", "?0"}, {"sec-ch-ua-platform", `"Windows"`},
		{"sec-fetch-dest", "empty"}, {"sec-fetch-mode", "cors"}, {"sec-fetch-site", "same-site"},
		{"user-agent", ua},
	}
	if k.typ == "fetch" {
		reqH = append(reqH, nv{"authorization", "Bearer " + base64.RawURLEncoding.EncodeToString([]byte(sid))})
	}
	size := k.min + r.IntN(k.max-k.min)
	c := content{Size: size, MimeType: k.mime}
	switch {
	case is401:
		status, statusText = 401, ""
		c.Text = `{"error":"invalid_token","error_description":"The access token expired"}`
		c.Size = len(c.Text)
	case redirect:
		status = 302
		c.MimeType, c.Size = "x-unknown", 0
	case k.binary:
		c.Text = p.b64Of(r, size/3*4)
		c.Encoding = "base64"
	default:
		c.Text = p.textOf(r, size)
		c.Size = len(c.Text)
	}
	respH := []nv{
		{"access-control-allow-origin", "https://www.example.com"},
		{"age", fmt.Sprint(r.IntN(3600))},
		{"cache-control", "public, max-age=31536000, immutable"},
		{"content-encoding", "br"},
		{"content-type", k.mime},
		{"date", at.Format("Mon, 02 Jan 2006 15:04:05 GMT")},
		{"server", "cloudflare"},
		{"cf-ray", fmt.Sprintf("%016x-FRA", r.Uint64())},
		{"strict-transport-security", "max-age=31536000; includeSubDomains; preload"},
		{"vary", "Accept-Encoding"},
		{"x-content-type-options", "nosniff"},
	}
	var respCookies []cookie
	redirectURL := ""
	switch {
	case is401:
		respH = append(respH, nv{"www-authenticate", `Bearer realm="api", error="invalid_token", error_description="The access token expired"`})
		respH[2].Value = "no-store"
	case redirect:
		redirectURL = "https://www.example.com/login?next=" + path
		respH = append(respH, nv{"location", redirectURL})
	}
	if r.IntN(20) == 0 {
		v := fmt.Sprintf("session=%016x; Path=/; Secure; HttpOnly; SameSite=Lax", r.Uint64())
		respH = append(respH, nv{"set-cookie", v + "\n" + "consent=yes; Path=/; Max-Age=31536000; Secure"})
		respCookies = []cookie{cookies[1], cookies[2]}
	}
	reqCookies := cookies
	if o.Sanitized {
		reqH = dropCreds(reqH)
		respH = dropCreds(respH)
		reqCookies, respCookies = nil, nil
	}
	if reqCookies == nil {
		reqCookies = []cookie{}
	}
	if respCookies == nil {
		respCookies = []cookie{}
	}
	line := 1 + r.IntN(4000)
	ini := initiator{Type: "parser", URL: "https://www.example.com/", LineNumber: &line}
	if k.typ == "fetch" || k.typ == "script" {
		ini = initiator{Type: "script", Stack: &stack{
			CallFrames: []callFrame{
				{"fetchItems", "42", "https://static.example-cdn.net/app.js", 1, 52011},
				{"", "42", "https://static.example-cdn.net/app.js", 1, 48210},
			},
			Parent: &stack{CallFrames: []callFrame{{"load", "17", "https://static.example-cdn.net/vendor.js", 2, 1902}}},
		}}
	}
	wait := 5 + r.Float64()*200
	recv := r.Float64() * 50
	comp := size / 3
	if k.binary || is401 || redirect {
		c.Compression = nil
	} else {
		c.Compression = &comp
	}
	return &entry{
		ConnectionID: fmt.Sprint(100 + r.IntN(20)),
		Initiator:    ini,
		Priority:     "High",
		ResourceType: k.typ,
		Connection:   fmt.Sprint(100 + r.IntN(20)),
		PageRef:      "page_1",
		Request: request{
			Method: "GET", URL: url, HTTPVersion: "http/2.0", Headers: reqH,
			QueryString: []nv{}, Cookies: reqCookies, HeadersSize: -1, BodySize: 0,
		},
		Response: response{
			Status: status, StatusText: statusText, HTTPVersion: "http/2.0", Headers: respH,
			Cookies: respCookies, Content: c, RedirectURL: redirectURL, HeadersSize: -1, BodySize: -1,
			TransferSize: 400 + c.Size*2/3,
		},
		ServerIP: "104.16.132.229",
		Started:  at.Format("2006-01-02T15:04:05.000Z"),
		Time:     wait + recv + 1.2,
		Timings:  timings{Blocked: 1.2, DNS: -1, SSL: -1, Connect: -1, Send: 0.1, Wait: wait, Receive: recv, Queueing: 0.8},
	}
}

func dropCreds(hs []nv) []nv {
	out := hs[:0:0]
	for _, h := range hs {
		switch h.Name {
		case "cookie", "set-cookie", "authorization":
			continue
		}
		out = append(out, h)
	}
	return out
}
