package connector

import (
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// Discover finds the connectors at path: path itself when it is a file or
// a connector folder (one holding apiProperties.json), else every folder
// below it that holds one (a clone of a connector repository), in
// lexical order. Folders no connector lives in (.git, node_modules) are
// not entered.
func Discover(path string) ([]string, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, &Error{File: path, Problem: "cannot be read: " + unwrapPathError(err) + "; give a connector folder, its apiProperties.json, or a folder of connector folders"}
	}
	if !fi.IsDir() || findFile(path, "apiProperties.json") != "" {
		return []string{path}, nil
	}
	var found []string
	err = filepath.WalkDir(path, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			// An unreadable folder below is skipped: the others still count.
			if d != nil && d.IsDir() && p != path {
				return fs.SkipDir
			}
			return err
		}
		if d.IsDir() {
			if p != path && (strings.HasPrefix(d.Name(), ".") || d.Name() == "node_modules") {
				return fs.SkipDir
			}
			return nil
		}
		if strings.EqualFold(d.Name(), "apiProperties.json") {
			found = append(found, filepath.Dir(p))
		}
		return nil
	})
	if err != nil {
		return nil, &Error{File: path, Problem: "cannot be read: " + unwrapPathError(err)}
	}
	if len(found) == 0 {
		return nil, &Error{File: path, Problem: "folder without apiProperties.json, in it or in any folder below: give a connector folder (as pac connector download or paconn writes it), its apiProperties.json, or a folder of connector folders"}
	}
	slices.Sort(found)
	return slices.Compact(found), nil
}
