// Package progression shows how far a long command has got: on a
// terminal, one line rewritten in place (done/total, rate, time left); in
// a file or a pipe (cron, systemd), a plain line now and then and a
// summary at the end, so that logs stay readable.
package progression

import (
	"fmt"
	"io"
	"math"
	"os"
	"strings"
	"time"

	"atelier/hooks/lib/frfmt"
)

// Options tune a Suivi; the zero value suits a command run by hand or by
// cron.
type Options struct {
	// Terminal rewrites one line with \r instead of writing plain lines;
	// see Terminal(w).
	Terminal bool
	// Now is the clock (time.Now when nil): tests move it by hand.
	Now func() time.Time
	// Rafraichissement is the least time between two rewrites of the
	// terminal line (200 ms by default: a few times per second).
	Rafraichissement time.Duration
	// Pas is the share of the total between two plain lines (10 % by default).
	Pas float64
	// Delai is the longest time without a plain line while work goes on
	// (30 s by default).
	Delai time.Duration
}

// Suivi follows one long piece of work towards its total.
type Suivi struct {
	out     io.Writer
	libelle string
	opts    Options

	debut, dernier time.Time // start, and the last line written
	done, total    int
	paliers        int // plain mode: steps of Pas already written
	largeur        int // terminal mode: length of the line on screen
	ecrit          bool
}

// New starts following work named libelle (« Rapports ») of total items.
func New(out io.Writer, libelle string, total int, opts Options) *Suivi {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Rafraichissement <= 0 {
		opts.Rafraichissement = 200 * time.Millisecond
	}
	if opts.Pas <= 0 || opts.Pas > 1 {
		opts.Pas = 0.1
	}
	if opts.Delai <= 0 {
		opts.Delai = 30 * time.Second
	}
	now := opts.Now()
	return &Suivi{out: out, libelle: libelle, opts: opts, debut: now, dernier: now, total: max(total, 0)}
}

// Terminal tells whether w is a terminal (a character device), where a
// line may be rewritten in place.
func Terminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// Update records that done items of total are finished; a total of 0 or
// less keeps the one given before. Its signature is the progress callback
// the domain functions take.
func (s *Suivi) Update(done, total int) {
	if total > 0 {
		s.total = total
	}
	s.done = max(done, 0)
	now := s.opts.Now()
	if s.opts.Terminal {
		if !s.ecrit || now.Sub(s.dernier) >= s.opts.Rafraichissement || s.done >= s.total {
			s.rewrite(s.ligne(now))
			s.dernier, s.ecrit = now, true
		}
		return
	}
	paliers := 0
	if s.total > 0 {
		paliers = int(math.Floor(float64(min(s.done, s.total))/float64(s.total)/s.opts.Pas + 1e-9)) // 0.6 / 0.1 is 5.999…
	}
	if paliers > s.paliers || now.Sub(s.dernier) >= s.opts.Delai {
		s.paliers = max(paliers, s.paliers)
		fmt.Fprintln(s.out, s.ligne(now))
		s.dernier = now
	}
}

// Println writes a line of the command's own (a structure done, a
// failure) above the progress: on a terminal the progress line is wiped,
// then drawn again under it.
func (s *Suivi) Println(line string) {
	if !s.opts.Terminal || !s.ecrit {
		fmt.Fprintln(s.out, line)
		return
	}
	s.rewrite(line)
	fmt.Fprintln(s.out)
	s.largeur = 0
	s.rewrite(s.ligne(s.opts.Now()))
}

// Finish writes the summary line: how many, how long, how fast.
func (s *Suivi) Finish() {
	now := s.opts.Now()
	elapsed := now.Sub(s.debut)
	line := fmt.Sprintf("%s : %s terminé en %s", s.libelle, s.compte(), temps(elapsed))
	if rate, ok := rythme(s.done, elapsed); ok && s.done > 0 {
		line += fmt.Sprintf(" (%s par seconde)", vitesse(rate))
	}
	if s.opts.Terminal {
		s.rewrite(line)
		fmt.Fprintln(s.out)
		return
	}
	fmt.Fprintln(s.out, line)
}

func (s *Suivi) rewrite(line string) {
	width := len([]rune(line))
	pad := ""
	if width < s.largeur {
		pad = strings.Repeat(" ", s.largeur-width)
	}
	fmt.Fprint(s.out, "\r"+line+pad)
	s.largeur = width
}

func (s *Suivi) compte() string {
	return frfmt.Nombre(s.done) + " / " + frfmt.Nombre(max(s.total, s.done))
}

// ligne is « Rapports : 1 200 / 5 000 (24 %), 40 par seconde, reste environ 1 min 35 s ».
func (s *Suivi) ligne(now time.Time) string {
	elapsed := now.Sub(s.debut)
	b := strings.Builder{}
	fmt.Fprintf(&b, "%s : %s", s.libelle, s.compte())
	if s.total > 0 {
		fmt.Fprintf(&b, " (%s\u202f%%)", frfmt.Nombre(min(s.done, s.total)*100/s.total))
	}
	rate, ok := rythme(s.done, elapsed)
	if !ok || elapsed < time.Second { // a rate over a few records says nothing yet
		b.WriteString(", reste : calcul en cours")
		return b.String()
	}
	fmt.Fprintf(&b, ", %s par seconde", vitesse(rate))
	switch left, ok := reste(s.done, s.total, elapsed); {
	case !ok || s.done >= s.total:
	case left < time.Second:
		b.WriteString(", reste moins d'une seconde")
	default:
		fmt.Fprintf(&b, ", reste environ %s", temps(left))
	}
	return b.String()
}

// rythme is the items done per second so far; unknown before any item or
// any time has passed.
func rythme(done int, elapsed time.Duration) (float64, bool) {
	if done <= 0 || elapsed <= 0 {
		return 0, false
	}
	return float64(done) / elapsed.Seconds(), true
}

// reste is the time left at the rate so far; nothing left once done
// reaches total, unknown before the first item.
func reste(done, total int, elapsed time.Duration) (time.Duration, bool) {
	if done >= total {
		return 0, true
	}
	rate, ok := rythme(done, elapsed)
	if !ok {
		return 0, false
	}
	return time.Duration(float64(total-done) / rate * float64(time.Second)).Round(time.Second), true
}

// temps writes a duration as « 45 s », « 3 min 05 s », « 2 h 07 min ».
func temps(d time.Duration) string {
	sec := int(d.Round(time.Second) / time.Second)
	sec = max(sec, 0)
	h, m, s := sec/3600, sec%3600/60, sec%60
	switch {
	case h > 0:
		return fmt.Sprintf("%d h %02d min", h, m)
	case m > 0:
		return fmt.Sprintf("%d min %02d s", m, s)
	default:
		return fmt.Sprintf("%d s", s)
	}
}

// vitesse writes a rate with one decimal under 10 (« 2,5 »), whole above
// (« 1 234 »).
func vitesse(x float64) string {
	if x >= 10 {
		return frfmt.Nombre(int(math.Round(x)))
	}
	return frfmt.Decimal(x, 1)
}
