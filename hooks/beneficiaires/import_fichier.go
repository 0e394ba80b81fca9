package beneficiaires

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"

	"atelier/hooks/clock"
)

// An uploaded file is kept between the steps of an import (mapping, dry
// run, import) without JavaScript: in the server's temporary directory,
// under a name drawn from its owner and a random token, an hour at most,
// never under a public address nor in the data directory (its backups).
// The page carries the token only; another account's token names no file.

// DureeFichier is how long an uploaded file is kept.
const DureeFichier = time.Hour

// ErrFichierPerdu: the file is gone (an hour passed, another account's
// token, the server's temporary directory emptied).
var ErrFichierPerdu = errors.New("Le fichier déposé n'est plus disponible (il est gardé une heure). Déposez-le à nouveau.")

var jetonFichier = regexp.MustCompile(`^[A-Za-z0-9]{40}$`)

// importDir is where uploaded files wait: one directory per data
// directory, so that two servers (or tests) of one machine never clean
// each other's files.
func importDir(app core.App) string {
	sum := sha256.Sum256([]byte(app.DataDir()))
	return filepath.Join(os.TempDir(), "atelier-imports", hex.EncodeToString(sum[:8]))
}

func importPath(app core.App, owner, jeton string) string {
	sum := sha256.Sum256([]byte(owner + "\x00" + jeton))
	return filepath.Join(importDir(app), hex.EncodeToString(sum[:]))
}

// GarderFichier keeps data for owner and returns its token. Files older
// than DureeFichier are removed on the way.
func GarderFichier(app core.App, owner string, data []byte) (string, error) {
	if err := os.MkdirAll(importDir(app), 0o700); err != nil {
		return "", fmt.Errorf("import directory: %w", err)
	}
	now := clock.Now(app)
	removeOldFiles(importDir(app), now)
	jeton := security.RandomString(40)
	content := append([]byte(strconv.FormatInt(now.Unix(), 10)+"\n"), data...)
	if err := os.WriteFile(importPath(app, owner, jeton), content, 0o600); err != nil {
		return "", fmt.Errorf("keep uploaded file: %w", err)
	}
	return jeton, nil
}

// FichierGarde returns the file owner kept under jeton, if it is still
// there and less than DureeFichier old.
func FichierGarde(app core.App, owner, jeton string) ([]byte, error) {
	if !jetonFichier.MatchString(jeton) {
		return nil, ErrFichierPerdu
	}
	path := importPath(app, owner, jeton)
	content, err := os.ReadFile(path)
	if err != nil {
		return nil, ErrFichierPerdu
	}
	kept, data, ok := keptAt(content)
	if !ok || clock.Now(app).Sub(kept) > DureeFichier {
		_ = os.Remove(path)
		return nil, ErrFichierPerdu
	}
	return data, nil
}

// OublierFichier removes a kept file once imported.
func OublierFichier(app core.App, owner, jeton string) {
	if jetonFichier.MatchString(jeton) {
		_ = os.Remove(importPath(app, owner, jeton))
	}
}

func keptAt(content []byte) (time.Time, []byte, bool) {
	i := bytes.IndexByte(content, '\n')
	if i < 0 {
		return time.Time{}, nil, false
	}
	unix, err := strconv.ParseInt(string(content[:i]), 10, 64)
	if err != nil {
		return time.Time{}, nil, false
	}
	return time.Unix(unix, 0), content[i+1:], true
}

func removeOldFiles(dir string, now time.Time) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return
	}
	for _, entry := range entries {
		path := filepath.Join(dir, entry.Name())
		f, err := os.Open(path)
		if err != nil {
			continue
		}
		head := make([]byte, 24)
		n, _ := f.Read(head)
		f.Close()
		if kept, _, ok := keptAt(head[:n]); !ok || now.Sub(kept) > DureeFichier {
			_ = os.Remove(path)
		}
	}
}
