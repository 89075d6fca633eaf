package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
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
// whole JSON document.
func readTerminal(r io.Reader, prompt io.Writer) ([]input, error) {
	fmt.Fprintln(prompt, terminalPrompt)
	br := bufio.NewReader(io.LimitReader(r, maxDecodeInput+1))
	var lines []string
	var doc strings.Builder // a token response, when the text starts with {
	size := 0
	for {
		line, err := br.ReadString('\n')
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
