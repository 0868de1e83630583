package quantum

// Quantum's models are adaptive frequency tables shared, bit for bit, by the
// encoder and the decoder: the update and rescaling rules below are part of
// the format, down to the order in which the rescale sorts equal frequencies.

const (
	maxModelSymbols = 64   // the literal models are the largest
	freqStep        = 8    // added to a symbol's frequency on every use
	freqLimit       = 3800 // a total above this triggers a rescale
	// A model is halved in place on most rescales, but every so often its
	// symbols are re-sorted by frequency instead: first on the 4th rescale,
	// then on every 50th.
	firstSortCountdown = 4
	sortCountdown      = 50
)

// model is one adaptive model. Entry i holds a symbol and cum[i], the sum of
// the frequencies of entries i.. n-1, so cum[0] is the total and cum[n] is 0.
// Entries stay roughly in decreasing frequency order, which keeps the linear
// search short.
type model struct {
	n          int
	shiftsLeft int
	sym        [maxModelSymbols]uint8
	cum        [maxModelSymbols + 1]uint16
}

// init gives the n symbols first..first+n-1 a frequency of 1 each.
func (m *model) init(first, n int) {
	m.n = n
	m.shiftsLeft = firstSortCountdown
	for i := 0; i < n; i++ {
		m.sym[i] = uint8(first + i)
		m.cum[i] = uint16(n - i)
	}
	m.cum[n] = 0
}

// update records a use of entry i-1, in the form the decoder's search leaves
// it: i is the first entry whose cumulative frequency is at or below the
// target.
func (m *model) update(i int) {
	c := m.cum[:i]
	for j := range c {
		c[j] += freqStep
	}
	if m.cum[0] <= freqLimit {
		return
	}
	m.shiftsLeft--
	if m.shiftsLeft != 0 {
		m.halve()
		return
	}
	m.shiftsLeft = sortCountdown
	m.sortByFrequency()
}

// halve halves the cumulative frequencies directly, nudging them so that no
// symbol's frequency drops to zero.
func (m *model) halve() {
	for i := m.n - 1; i >= 0; i-- {
		m.cum[i] >>= 1
		if m.cum[i] <= m.cum[i+1] {
			m.cum[i] = m.cum[i+1] + 1
		}
	}
}

// sortByFrequency halves the individual frequencies (rounding up, so none
// drops to zero), reorders the entries by decreasing frequency with the
// format's exchange sort, whose treatment of ties the encoder mirrors, and
// rebuilds the cumulative frequencies.
func (m *model) sortByFrequency() {
	n := m.n
	for i := 0; i < n; i++ {
		m.cum[i] = (m.cum[i] - m.cum[i+1] + 1) >> 1
	}
	for i := 0; i < n-1; i++ {
		for j := i + 1; j < n; j++ {
			if m.cum[i] < m.cum[j] {
				m.cum[i], m.cum[j] = m.cum[j], m.cum[i]
				m.sym[i], m.sym[j] = m.sym[j], m.sym[i]
			}
		}
	}
	for i := n - 1; i >= 0; i-- {
		m.cum[i] += m.cum[i+1]
	}
}
