// Package httpbody makes the body of an HTTP response end with the
// request's context, whatever the server sent: the client, the remote
// checker, the HTTP checker and vitalshttp all read a body from a server
// they do not control.
//
// net/http's transport ends a body read when the request's context ends,
// with one exception: the body of a 101 Switching Protocols is the upgraded
// connection itself, which no context reaches, so a server that answers
// 101 and then says nothing (or trickles bytes) holds the reader forever.
// A transport given by the caller may not watch the context either.
package httpbody

import (
	"context"
	"io"
	"net/http"
	"time"
)

// Bound prepares resp, the answer to a request made with ctx, for reading:
// a 1xx answer (net/http returns only 101) gets an empty body, its
// connection closed, since vitals never asks for an upgrade and no health
// answer follows one; any other body is closed when ctx ends, and a read
// cut short that way fails with ctx.Err(), as net/http's own does.
//
// The caller calls release when done with the body instead of closing it:
// release closes the body and waits for a close that ctx's end started,
// so nothing outlives it.
func Bound(ctx context.Context, resp *http.Response) (release func()) {
	body := resp.Body
	if resp.StatusCode < 200 {
		body.Close()
		resp.Body = http.NoBody
		return func() {}
	}
	closed := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		defer close(closed)
		body.Close()
	})
	resp.Body = &ctxBody{ctx: ctx, body: body}
	return func() {
		if !stop() {
			<-closed
		}
		body.Close()
	}
}

// ctxBody reports a read that ctx's end cut short as ctx's error rather
// than as the closed body it found, so that errors.Is(err,
// context.DeadlineExceeded) tells a timeout.
type ctxBody struct {
	ctx  context.Context
	body io.ReadCloser
}

func (b *ctxBody) Read(p []byte) (int, error) {
	n, err := b.body.Read(p)
	if err != nil && err != io.EOF && b.ctx.Err() != nil {
		err = b.ctx.Err()
	}
	return n, err
}

func (b *ctxBody) Close() error { return b.body.Close() }

// ReadCapped reads at most max bytes of resp's body. The body counts as
// truncated when it filled the cap and its length is unknown or larger:
// finding out for sure would take reading past the cap.
func ReadCapped(resp *http.Response, max int64) ([]byte, bool, error) {
	b, err := io.ReadAll(io.LimitReader(resp.Body, max))
	truncated := int64(len(b)) == max && (resp.ContentLength < 0 || resp.ContentLength > max)
	return b, truncated, err
}

// CertExpiry returns the NotAfter of the leaf certificate resp came over,
// or zero without TLS.
func CertExpiry(resp *http.Response) time.Time {
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) == 0 {
		return time.Time{}
	}
	return resp.TLS.PeerCertificates[0].NotAfter
}
