// Package nonce makes the unique names and payloads of the checkers' round
// trips: a key, a topic, a message body that no other writer uses, so that
// what comes back is known to be the check's own.
package nonce

import (
	"crypto/rand"
	"encoding/hex"
)

// Hex returns n random bytes in hex: 2n characters, [0-9a-f] only, which
// every key, topic and client ID syntax accepts.
func Hex(n int) string {
	b := make([]byte, n)
	rand.Read(b) // never fails (crypto/rand documents it)
	return hex.EncodeToString(b)
}
