package har_test

import (
	"bytes"
	"io"
	"sync"
	"testing"

	"github.com/why401/why401/har"
	"github.com/why401/why401/har/hartest"
)

var (
	benchOnce sync.Once
	benchHAR  []byte
)

// benchData is a 32 MiB Chrome-like HAR, made once.
func benchData(b *testing.B) []byte {
	benchOnce.Do(func() {
		var buf bytes.Buffer
		if _, err := hartest.Generate(&buf, hartest.Options{Size: 32 << 20, Seed: 1}); err != nil {
			b.Fatal(err)
		}
		benchHAR = buf.Bytes()
	})
	return benchHAR
}

func BenchmarkRead(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := har.Read(bytes.NewReader(data), func(*har.Entry) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkCases(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := har.Cases(bytes.NewReader(data), nil, func(har.Case) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSanitize(b *testing.B) {
	data := benchData(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := har.Sanitize(bytes.NewReader(data), io.Discard, har.SanitizeOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
