module github.com/why401/why401

go 1.26
