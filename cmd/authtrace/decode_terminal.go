package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"unicode/utf8"

	"golang.org/x/term"

	"github.com/authtrace/authtrace/decode"
)

// terminalPrompt says, on standard error, what "decode -" waits for at a
// terminal.
const terminalPrompt = "Paste a token (JWT or opaque) and press Enter; an empty line or Ctrl-D ends the input early."

// stdinIsTerminal reports whether r is a terminal: decodeOptions.isTTY
// unless a test gives its own.
func stdinIsTerminal(r io.Reader) bool {
	f, ok := r.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

// readTerminal reads what a person pastes at a terminal, line by line,
// after saying on prompt what it waits for. It stops at the Enter that
// makes the token whole (decode.PasteComplete: a JWT wrapped over lines
// waits for the rest of it), at an empty line after some text, or at the
// end of input (Ctrl-D). A token response's JSON is read until it is a
// whole JSON document. A real terminal is read in raw mode (rawLines),
// where no line limit cuts a long token; anything else line by line.
func readTerminal(r io.Reader, prompt io.Writer) ([]input, error) {
	fmt.Fprintln(prompt, terminalPrompt)
	next := bufferedLines(r)
	say := func(s string) { fmt.Fprintln(prompt, s) }
	if f, ok := r.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		raw, restore, err := rawLines(f)
		if err != nil {
			return nil, usageErr("reading the terminal: %v", err)
		}
		defer restore()
		next = raw
		say = func(s string) { fmt.Fprint(prompt, s+"\r\n") } // raw mode: no CR of its own
	}
	return readPasted(next, say)
}

// bufferedLines reads r line by line, each with its newline.
func bufferedLines(r io.Reader) func() (string, error) {
	br := bufio.NewReader(io.LimitReader(r, maxDecodeInput+1))
	return func() (string, error) { return br.ReadString('\n') }
}

// rawLines reads the terminal f in raw mode, echoing to it: in the
// terminal's own (canonical) mode a line is cut at 4095 bytes on Linux and
// 1023 on macOS, and x/term's line editor stops at 4096 runes, all shorter
// than many JWTs. restore gives the terminal its mode back.
func rawLines(f *os.File) (next func() (string, error), restore func(), err error) {
	fd := int(f.Fd())
	old, err := term.MakeRaw(fd)
	if err != nil {
		return nil, nil, err
	}
	// Killed while reading (the window closed, kill), the terminal still
	// gets its mode back: raw mode would outlive the program.
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-sig:
			term.Restore(fd, old)
			os.Exit(exitIncomplete)
		case <-done:
		}
	}()
	lr := &rawLineReader{r: f, echo: f}
	return lr.next, func() {
		signal.Stop(sig)
		close(done)
		term.Restore(fd, old)
	}, nil
}

// rawLineReader reads lines from a terminal in raw mode, with just the
// editing a paste needs: Enter (CR or LF) ends a line, Backspace deletes,
// Ctrl-D on an empty line is the end of input, Ctrl-C stops; other
// control bytes and escape sequences are dropped. It echoes what it keeps,
// with CR LF for Enter, since raw mode does not.
type rawLineReader struct {
	r    io.Reader
	echo io.Writer
	buf  [4096]byte
	rest []byte // read and not yet used
	esc  int    // where in an escape sequence: escNone, escStart, escBody
}

const (
	escNone  = iota
	escStart // after ESC
	escBody  // after ESC [ or ESC O
)

func (l *rawLineReader) next() (string, error) {
	var line []byte
	for {
		if len(l.rest) == 0 {
			n, err := l.r.Read(l.buf[:])
			if n == 0 && err != nil {
				return string(line), err
			}
			l.rest = l.buf[:n]
		}
		c := l.rest[0]
		l.rest = l.rest[1:]
		switch {
		case l.esc == escStart && (c == '[' || c == 'O'):
			l.esc = escBody // CSI (ESC [ 200 ~) or SS3 (ESC O A, an arrow)
		case l.esc == escStart:
			l.esc = escNone // ESC and one byte (Alt+key)
		case l.esc == escBody:
			// The sequence ends with a byte in @..~.
			if c >= '@' && c <= '~' {
				l.esc = escNone
			}
		case c == 0x1b:
			l.esc = escStart
		case c == '\r' || c == '\n':
			io.WriteString(l.echo, "\r\n")
			return string(line) + "\n", nil
		case c == 0x03: // Ctrl-C
			io.WriteString(l.echo, "^C\r\n")
			return "", errInterrupted
		case c == 0x04: // Ctrl-D
			if len(line) == 0 {
				return "", io.EOF
			}
		case c == 0x7f || c == 0x08: // Backspace
			if len(line) > 0 {
				_, size := utf8.DecodeLastRune(line)
				line = line[:len(line)-size]
				io.WriteString(l.echo, "\b \b")
			}
		case c < 0x20:
		default:
			line = append(line, c)
			l.echo.Write([]byte{c})
		}
		if len(line) > maxDecodeInput {
			return string(line), nil // readPasted says it is too large
		}
	}
}

// readPasted is readTerminal's reading, from next lines; say tells the
// person when an Enter did not end the token.
func readPasted(next func() (string, error), say func(string)) ([]input, error) {
	var lines []string
	var doc strings.Builder // a token response, when the text starts with {
	size := 0
	for {
		line, err := next()
		if errors.Is(err, errInterrupted) {
			return nil, &exitError{code: exitIncomplete, err: errors.New("stopped at Ctrl-C; nothing was decoded")}
		}
		if size += len(line); size > maxDecodeInput {
			return nil, usageErr("the input is over %d MiB: paste one token", maxDecodeInput>>20)
		}
		if strings.IndexByte(line, 0) >= 0 || !utf8.ValidString(line) {
			return nil, usageErr("the input is binary, not text: paste the token as text")
		}
		text := strings.TrimSpace(line)
		switch {
		case doc.Len() > 0 || len(lines) == 0 && strings.HasPrefix(text, "{"):
			doc.WriteString(line)
			if json.Valid([]byte(doc.String())) {
				return splitInputs([]byte(doc.String()))
			}
		case text == "" && len(lines) > 0 && err == nil:
			return pasted(lines), nil // an empty line: decode what there is
		case text != "":
			lines = append(lines, text)
			if decode.PasteComplete(lines) {
				return pasted(lines), nil
			}
			if err == nil {
				say("(not a whole token yet: paste the rest, or press Enter on an empty line to decode what there is)")
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, usageErr("reading the terminal: %v", err)
		}
	}
	if doc.Len() > 0 {
		return splitInputs([]byte(doc.String())) // says what is wrong with it
	}
	if len(lines) == 0 {
		return nil, usageErr("no token entered: paste it, give it as the argument, or set %s", tokenEnv)
	}
	return pasted(lines), nil
}

func pasted(lines []string) []input {
	var in []input
	for _, tok := range decode.SplitPasted(lines) {
		in = append(in, input{raw: tok})
	}
	return in
}
