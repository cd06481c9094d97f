// Package har reads HTTP Archive (HAR 1.2, and 1.1) files as Chrome, Edge,
// Firefox, Safari and Playwright export them, and turns their entries into
// why401's exchanges, offline.
//
// Reading streams: a Reader holds one entry at a time and a fixed buffer, so
// memory is flat whatever the size of the file (a 2 GB export, a 100 MB
// string), and it is several times faster than jq on the same file. Bodies
// are kept only when short and useful to a diagnosis (DiagnosticBody);
// every other string is cut to a limit. A file that cannot be read gives an
// *Error with its kind (ErrTruncated, ErrUTF8, ErrTooDeep …), the byte
// offset and the entry, and never quotes the file.
//
// The front doors:
//
//   - Read and Reader.Next give every Entry, with its raw headers, cookies
//     and short bodies for computation, and Entry.Exchange and Entry.Input
//     for the check engine: redacted exchanges, and credentials as
//     redact.Secret.
//   - Cases groups each entry to diagnose (401 and 407 by default) with what
//     led to it: the redirect chain, the latest requests to its origin and
//     the Set-Cookie history of its site, and Session replays a Case
//     offline as a why401.Session.
//   - Sanitize rewrites a HAR with every secret redacted, keeping what a
//     diagnosis reads, so it can be shared.
//
// Secrets: Entry's raw fields are for computation only. Printing an Entry,
// an NV, a Cookie, a SetCookie or a Case with fmt shows them redacted, and
// Exchange redacts what it returns (headers, URL, Location).
//
// Sanitized exports: Chrome since about version 130 exports without Cookie,
// Set-Cookie and Authorization by default. Summary.SanitizedBy and
// Entry.CredentialsUnknown say when a file cannot tell whether credentials
// were sent; see Summary for the rule.
package har
