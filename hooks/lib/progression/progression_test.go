package progression

import (
	"bytes"
	"math"
	"os"
	"strings"
	"testing"
	"time"
)

// horloge is a clock the test moves by hand.
type horloge struct{ t time.Time }

func (h *horloge) now() time.Time          { return h.t }
func (h *horloge) avancer(d time.Duration) { h.t = h.t.Add(d) }

func nouveau(terminal bool, total int) (*Suivi, *bytes.Buffer, *horloge) {
	h := &horloge{t: time.Date(2026, 3, 29, 1, 59, 0, 0, time.UTC)}
	var out bytes.Buffer
	return New(&out, "Rapports", total, Options{Terminal: terminal, Now: h.now}), &out, h
}

// The thin spaces of French numbers, written plainly for the test.
func plain(s string) string { return strings.ReplaceAll(s, "\u202f", " ") }

func TestRateAndTimeLeft(t *testing.T) {
	for _, c := range []struct {
		done, total int
		elapsed     time.Duration
		rate        float64
		rateOK      bool
		left        time.Duration
		leftOK      bool
	}{
		{done: 0, total: 100, elapsed: 10 * time.Second, rateOK: false, leftOK: false},
		{done: 10, total: 100, elapsed: 0, rateOK: false, leftOK: false},
		{done: 25, total: 100, elapsed: 10 * time.Second, rate: 2.5, rateOK: true, left: 30 * time.Second, leftOK: true},
		{done: 1000, total: 4000, elapsed: time.Minute, rate: 1000.0 / 60, rateOK: true, left: 3 * time.Minute, leftOK: true},
		{done: 120, total: 100, elapsed: time.Minute, rate: 2, rateOK: true, left: 0, leftOK: true},
		{done: 0, total: 0, elapsed: time.Second, rateOK: false, left: 0, leftOK: true},
	} {
		rate, ok := rythme(c.done, c.elapsed)
		if ok != c.rateOK || math.Abs(rate-c.rate) > 1e-9 {
			t.Errorf("rythme(%d, %s) = %v %v, want %v %v", c.done, c.elapsed, rate, ok, c.rate, c.rateOK)
		}
		left, ok := reste(c.done, c.total, c.elapsed)
		if ok != c.leftOK || left != c.left {
			t.Errorf("reste(%d, %d, %s) = %s %v, want %s %v", c.done, c.total, c.elapsed, left, ok, c.left, c.leftOK)
		}
	}
	for d, want := range map[time.Duration]string{0: "0 s", 1500 * time.Millisecond: "2 s", 185 * time.Second: "3 min 05 s",
		2*time.Hour + 7*time.Minute + 40*time.Second: "2 h 07 min", -time.Second: "0 s"} {
		if got := temps(d); got != want {
			t.Errorf("temps(%s) = %q, want %q", d, got, want)
		}
	}
	for x, want := range map[float64]string{2.5: "2,5", 0.04: "0,0", 16.66: "17", 1234.4: "1 234"} {
		if got := plain(vitesse(x)); got != want {
			t.Errorf("vitesse(%v) = %q, want %q", x, got, want)
		}
	}
}

// Not on a terminal: a line at each 10 % step (never two for one step),
// one after a long quiet time, and the summary.
func TestPlainLines(t *testing.T) {
	s, out, h := nouveau(false, 200)
	for done := 1; done <= 200; done++ {
		h.avancer(100 * time.Millisecond)
		s.Update(done, 0)
	}
	s.Finish()
	lines := strings.Split(strings.TrimSuffix(plain(out.String()), "\n"), "\n")
	if len(lines) != 11 {
		t.Fatalf("%d lines, want 10 steps and a summary:\n%s", len(lines), out.String())
	}
	if want := "Rapports : 20 / 200 (10 %), 10 par seconde, reste environ 18 s"; lines[0] != want {
		t.Errorf("first line %q, want %q", lines[0], want)
	}
	if want := "Rapports : 100 / 200 (50 %), 10 par seconde, reste environ 10 s"; lines[4] != want {
		t.Errorf("middle line %q, want %q", lines[4], want)
	}
	if want := "Rapports : 120 / 200 (60 %), 10 par seconde, reste environ 8 s"; lines[5] != want { // 0.6 / 0.1 < 6 in floats
		t.Errorf("sixth line %q, want %q", lines[5], want)
	}
	if want := "Rapports : 200 / 200 terminé en 20 s (10 par seconde)"; lines[10] != want {
		t.Errorf("summary %q, want %q", lines[10], want)
	}
	if strings.Contains(out.String(), "\r") {
		t.Error("a plain output holds \\r")
	}

	// Slow work: a line every 30 s even within a step.
	s, out, h = nouveau(false, 1000)
	h.avancer(29 * time.Second)
	s.Update(1, 0)
	if out.Len() != 0 {
		t.Fatalf("a line before 30 s: %q", out.String())
	}
	h.avancer(time.Second)
	s.Update(2, 0)
	if got, want := plain(out.String()), "Rapports : 2 / 1 000 (0 %), 0,1 par seconde, reste environ 4 h 09 min\n"; got != want {
		t.Errorf("slow line %q, want %q", got, want)
	}
}

// On a terminal: one line rewritten with \r, at most every 200 ms, the
// last state always shown, a shorter line wiping the longer one.
func TestTerminalLine(t *testing.T) {
	s, out, h := nouveau(true, 1000)
	s.Update(0, 0)
	if got, want := plain(out.String()), "\rRapports : 0 / 1 000 (0 %), reste : calcul en cours"; got != want {
		t.Fatalf("first draw %q, want %q", got, want)
	}
	writes := 1
	for done := 1; done <= 1000; done++ {
		h.avancer(10 * time.Millisecond)
		before := out.Len()
		s.Update(done, 0)
		if out.Len() != before {
			writes++
		}
	}
	// 10 s of work: 50 rewrites at 200 ms, the first, and none more.
	if writes != 51 {
		t.Errorf("%d rewrites, want 51", writes)
	}
	s.Finish()
	screen := plain(out.String())
	if strings.Count(screen, "\n") != 1 || !strings.HasSuffix(screen, "\n") {
		t.Errorf("the terminal output should end with its only newline: %q", screen)
	}
	last := screen[strings.LastIndex(screen, "\r")+1:]
	if want := "Rapports : 1 000 / 1 000 terminé en 10 s (100 par seconde)"; strings.TrimRight(last, " \n") != want {
		t.Errorf("last line %q, want %q", last, want)
	}
	if len([]rune(strings.TrimSuffix(last, "\n"))) < len([]rune("Rapports : 1 000 / 1 000 (100 %), 100 par seconde")) {
		t.Errorf("the summary does not wipe the longer line before it: %q", last)
	}
}

// Nothing to do, or more done than announced: no division by zero, no
// percentage over 100, a total that grows to what was done.
func TestZeroTotalAndDoneOverTotal(t *testing.T) {
	s, out, h := nouveau(false, 0)
	h.avancer(time.Second)
	s.Update(0, 0)
	s.Finish()
	if got, want := plain(out.String()), "Rapports : 0 / 0 terminé en 1 s\n"; got != want {
		t.Errorf("zero total %q, want %q", got, want)
	}

	s, out, h = nouveau(false, 10)
	h.avancer(2 * time.Second)
	s.Update(12, 0)
	s.Finish()
	want := "Rapports : 12 / 12 (100 %), 6,0 par seconde\nRapports : 12 / 12 terminé en 2 s (6,0 par seconde)\n"
	if got := plain(out.String()); got != want {
		t.Errorf("done over total %q, want %q", got, want)
	}

	// Less than a second left.
	s, out, h = nouveau(false, 100)
	h.avancer(10 * time.Second)
	s.Update(98, 0)
	if got, want := plain(out.String()), "Rapports : 98 / 100 (98 %), 9,8 par seconde, reste moins d'une seconde\n"; got != want {
		t.Errorf("almost done %q, want %q", got, want)
	}

	// A total given later, through the callback.
	s, out, h = nouveau(false, 0)
	h.avancer(time.Second)
	s.Update(5, 10)
	if got, want := plain(out.String()), "Rapports : 5 / 10 (50 %), 5,0 par seconde, reste environ 1 s\n"; got != want {
		t.Errorf("late total %q, want %q", got, want)
	}
}

func TestTerminalDetection(t *testing.T) {
	if Terminal(&bytes.Buffer{}) {
		t.Error("a buffer is not a terminal")
	}
	f, err := os.CreateTemp(t.TempDir(), "sortie")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if Terminal(f) {
		t.Error("a file is not a terminal")
	}
	null, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer null.Close()
	if !Terminal(null) { // a character device, like a terminal
		t.Error("/dev/null is a character device")
	}
}

// A line of the command's own goes above the progress: plain as is; on a
// terminal it wipes the progress line, which is drawn again below.
func TestPrintln(t *testing.T) {
	s, out, h := nouveau(false, 4)
	s.Println("Alpha : rapport créé")
	h.avancer(time.Second)
	s.Update(1, 0)
	if got, want := plain(out.String()), "Alpha : rapport créé\nRapports : 1 / 4 (25 %), 1,0 par seconde, reste environ 3 s\n"; got != want {
		t.Errorf("plain %q, want %q", got, want)
	}

	s, out, h = nouveau(true, 4)
	h.avancer(time.Second)
	s.Update(1, 0)
	s.Println("Bêta : échec")
	progress := "Rapports : 1 / 4 (25 %), 1,0 par seconde, reste environ 3 s"
	want := "\r" + progress + "\rBêta : échec" + strings.Repeat(" ", len([]rune(progress))-len([]rune("Bêta : échec"))) + "\n\r" + progress
	if got := plain(out.String()); got != want {
		t.Errorf("terminal %q, want %q", got, want)
	}
}

// Under a second, a rate over a few items would be noise: not shown.
func TestNoRateInTheFirstSecond(t *testing.T) {
	s, out, h := nouveau(false, 10)
	h.avancer(500 * time.Millisecond)
	s.Update(5, 0)
	h.avancer(500 * time.Millisecond)
	s.Update(6, 0)
	want := "Rapports : 5 / 10 (50 %), reste : calcul en cours\nRapports : 6 / 10 (60 %), 6,0 par seconde, reste environ 1 s\n"
	if got := plain(out.String()); got != want {
		t.Errorf("%q, want %q", got, want)
	}
}
