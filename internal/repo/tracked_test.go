package repo

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// maxTracked is the largest file tracked outside a testdata directory.
const maxTracked = 1 << 20

// TestTrackedFiles fails when Git tracks a build output: an executable
// (ELF, Mach-O or PE) anywhere, or a file over 1 MiB outside testdata/.
// Binaries belong in bin/ (gitignored); a 59 MB load-test binary was once
// committed at the root.
func TestTrackedFiles(t *testing.T) {
	root, files := trackedFiles(t)
	if len(files) < 100 || !slices.Contains(files, "go.mod") {
		t.Fatalf("git ls-files in %s listed %d files and no go.mod: not meshcheck's checkout?", root, len(files))
	}
	for _, name := range files {
		if msg := checkTracked(filepath.Join(root, filepath.FromSlash(name)), name); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
	}
}

// trackedFiles returns the repository's top directory and the files Git
// tracks there (slash-separated, relative to it).
func trackedFiles(t *testing.T) (string, []string) {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Fatalf("this test lists tracked files with git, which is not on PATH: %v", err)
	}
	top, err := exec.Command("git", "rev-parse", "--show-toplevel").Output()
	if err != nil {
		t.Fatalf("git rev-parse --show-toplevel: %v (the test runs in a Git checkout of meshcheck)%s", err, stderrOf(err))
	}
	root := strings.TrimSpace(string(top))
	cmd := exec.Command("git", "ls-files", "-z")
	cmd.Dir = root
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("git ls-files: %v%s", err, stderrOf(err))
	}
	var files []string
	for f := range strings.SplitSeq(strings.TrimSuffix(string(out), "\x00"), "\x00") {
		files = append(files, f)
	}
	return root, files
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok && len(ee.Stderr) > 0 {
		return ": " + strings.TrimSpace(string(ee.Stderr))
	}
	return ""
}

// checkTracked says what is wrong with the tracked file at path, or "".
// A file removed from the working tree but not yet from the index is
// not checked: it is on its way out.
func checkTracked(path, name string) string {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return ""
	}
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return err.Error()
	}
	if fi.IsDir() { // a submodule
		return ""
	}
	var head [4096]byte
	n, err := io.ReadFull(f, head[:])
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return err.Error()
	}
	if kind := executableKind(head[:n]); kind != "" {
		return kind + " executable: build outputs go to bin/ (gitignored), not into Git"
	}
	if fi.Size() > maxTracked && !inTestdata(name) {
		return fmt.Sprintf("%.1f MiB, over the %d MiB allowed outside testdata/", float64(fi.Size())/(1<<20), maxTracked>>20)
	}
	return ""
}

func inTestdata(name string) bool {
	return slices.Contains(strings.Split(name, "/"), "testdata")
}

// executableKind names the executable format head starts with, or "".
func executableKind(head []byte) string {
	switch {
	case bytes.HasPrefix(head, []byte("\x7fELF")):
		return "ELF"
	case len(head) >= 4 && slices.Contains([]uint32{0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe}, binary.BigEndian.Uint32(head)):
		return "Mach-O"
	case len(head) >= 8 && binary.BigEndian.Uint32(head) == 0xcafebabe && binary.BigEndian.Uint32(head[4:]) < 0x30:
		return "Mach-O universal" // a Java class file has its version (>= 45) there
	case len(head) >= 0x40 && bytes.HasPrefix(head, []byte("MZ")):
		off := binary.LittleEndian.Uint32(head[0x3c:])
		if int(off)+4 <= len(head) && bytes.Equal(head[off:off+4], []byte("PE\x00\x00")) {
			return "PE"
		}
	}
	return ""
}
