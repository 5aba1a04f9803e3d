package apiserver

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/csv"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// User is an authenticated caller.
type User struct {
	Name   string
	UID    string
	Groups []string
}

// The groups the server knows.
const (
	// GroupMasters may do anything.
	GroupMasters = "system:masters"
	// GroupAuthenticated is every authenticated user.
	GroupAuthenticated = "system:authenticated"
)

type userKey struct{}

func withUser(ctx context.Context, u *User) context.Context {
	return context.WithValue(ctx, userKey{}, u)
}

// userFrom returns the caller of a request, nil before authentication.
func userFrom(ctx context.Context) *User {
	u, _ := ctx.Value(userKey{}).(*User)
	return u
}

// tokenAuthenticator maps bearer tokens to users.
type tokenAuthenticator struct {
	tokens map[string]*User
}

// authenticate returns the user of token, or nil.
func (a *tokenAuthenticator) authenticate(token string) *User {
	if token == "" {
		return nil
	}
	// Constant-time comparison against every token: no timing hint about which exists.
	var found *User
	for t, u := range a.tokens {
		if subtle.ConstantTimeCompare([]byte(t), []byte(token)) == 1 {
			found = u
		}
	}
	return found
}

// parseTokenFile reads a Kubernetes static token file: CSV lines of
// token,user,uid[,"group1,group2"]; blank lines and lines starting with # are skipped.
func parseTokenFile(r io.Reader) (map[string]*User, error) {
	cr := csv.NewReader(r)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	cr.Comment = '#'
	tokens := map[string]*User{}
	for line := 1; ; line++ {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			return tokens, nil
		}
		if err != nil {
			return nil, fmt.Errorf("token file: %w", err)
		}
		if len(rec) < 3 {
			return nil, fmt.Errorf("token file line %d: want token,user,uid[,groups], got %d fields", line, len(rec))
		}
		token, name, uid := strings.TrimSpace(rec[0]), strings.TrimSpace(rec[1]), strings.TrimSpace(rec[2])
		if token == "" || name == "" {
			return nil, fmt.Errorf("token file line %d: empty token or user", line)
		}
		if _, dup := tokens[token]; dup {
			return nil, fmt.Errorf("token file line %d: duplicate token", line)
		}
		u := &User{Name: name, UID: uid}
		if len(rec) >= 4 {
			for g := range strings.SplitSeq(rec[3], ",") {
				if g = strings.TrimSpace(g); g != "" {
					u.Groups = append(u.Groups, g)
				}
			}
		}
		if !slices.Contains(u.Groups, GroupAuthenticated) {
			u.Groups = append(u.Groups, GroupAuthenticated)
		}
		tokens[token] = u
	}
}

func loadTokenFile(path string) (map[string]*User, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return parseTokenFile(f)
}

// newToken returns a random bearer token.
func newToken() (string, error) {
	var b [32]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", err
	}
	return hex.EncodeToString(b[:]), nil
}

// authorize decides whether u may do verb: members of system:masters may do anything;
// every other authenticated user may read (get, list, watch) and nothing else.
func authorize(u *User, verb string) bool {
	if slices.Contains(u.Groups, GroupMasters) {
		return true
	}
	return isReadOnly(verb)
}
