package main

import (
	"errors"
	"fmt"
	"time"

	"github.com/zalando/go-keyring"
)

// A profile's stored client secret is kept in the OS keyring (Windows
// Credential Manager, the macOS Keychain, the Secret Service on Linux)
// under service keyringService, account the profile's name. Where there is
// no keyring (a headless Linux box has no Secret Service) it is kept in the
// profile file itself, as authtrace did before it used the keyring: that
// file is already mode 0600 in a 0700 folder, written atomically and
// removed by profile rm, so a second file would only be a second thing to
// keep in step. Profiles saved that way are read as they are, and their
// secret moves to the keyring on the next profile save --store-secret.

// keyringService is the service authtrace's secrets are under in the OS
// keyring.
const keyringService = "authtrace"

// keyringTimeout bounds one keyring call: the Secret Service is reached
// over D-Bus, where an unlock prompt nobody sees or a bus that never
// answers would otherwise hang authtrace (gh bounds its calls the same
// way).
const keyringTimeout = 3 * time.Second

// inKeyring is savedProfile.SecretIn for a secret in the OS keyring.
const inKeyring = "keyring"

// keyringCall runs one keyring call, giving up after keyringTimeout. A
// call given up on is left to finish on its own: authtrace exits soon
// after, and nothing reads what it returns.
func keyringCall(call func() error) error {
	done := make(chan error, 1)
	go func() { done <- call() }()
	select {
	case err := <-done:
		return err
	case <-time.After(keyringTimeout):
		return fmt.Errorf("the OS keyring did not answer within %v", keyringTimeout)
	}
}

// keepSecret stores profile name's client secret: in the OS keyring, or,
// where there is none, in p itself (the profile file). The error is why
// the keyring was not used; the secret is kept either way.
func keepSecret(p *savedProfile, name, secret string) (noKeyring error) {
	if err := keyringCall(func() error { return keyring.Set(keyringService, name, secret) }); err != nil {
		p.ClientSecret, p.SecretIn = &secret, ""
		return err
	}
	p.ClientSecret, p.SecretIn = nil, inKeyring
	return nil
}

// noKeyringWhy words why keepSecret used the file: most often there is no
// keyring at all, but one refuses a secret too long for it (macOS and
// Windows bound them) as well.
func noKeyringWhy(err error) string {
	if errors.Is(err, keyring.ErrSetDataTooBig) {
		return "too long for the OS keyring"
	}
	return fmt.Sprintf("no OS keyring here (%v)", err)
}

// secretPlace is where profile p's secret is, without reading it (profile
// list and show must not wait on the keyring once per profile): inKeyring,
// "file", or "" when none is stored. A secret in the file wins, as
// secretOf reads it.
func secretPlace(p savedProfile) string {
	switch {
	case p.ClientSecret != nil:
		return "file"
	case p.SecretIn == inKeyring:
		return inKeyring
	}
	return ""
}

// secretOf reads profile name's stored secret from wherever it is; call it
// only when secretPlace says one is stored.
func secretOf(p savedProfile, name string) (string, error) {
	if p.ClientSecret != nil {
		return *p.ClientSecret, nil
	}
	var secret string
	err := keyringCall(func() (err error) {
		secret, err = keyring.Get(keyringService, name)
		return err
	})
	fix := fmt.Sprintf("give the secret with %s (or --client-secret), or store it again with: authtrace profile save %s ... --store-secret", secretEnv, name)
	switch {
	case errors.Is(err, keyring.ErrNotFound):
		return "", usageErr("profile %s's client secret is not in the OS keyring (service %s, account %s; removed by hand?): %s", name, keyringService, name, fix)
	case err != nil:
		return "", &exitError{code: exitIncomplete, err: fmt.Errorf("reading profile %s's client secret from the OS keyring: %w; %s", name, err, fix)}
	}
	return secret, nil
}

// forgetSecret deletes profile name's secret from the OS keyring. None
// there is no error.
func forgetSecret(name string) error {
	err := keyringCall(func() error { return keyring.Delete(keyringService, name) })
	if errors.Is(err, keyring.ErrNotFound) {
		return nil
	}
	return err
}
