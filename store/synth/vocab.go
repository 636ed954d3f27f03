package synth

import (
	"math/rand/v2"
	"strings"
)

// stopWords lead the Zipf ranking, as they do in real news text, so the
// index sees the same very long posting lists it will see in production.
var stopWords = strings.Fields(`the of and to a in that is was for on it with said as
by he at from his an be has are have but were which this will not who been they after
their more had its would one also we there up about or new than out all two over into
when what first last could other them some can most our years people time`)

// newsWords are real English words with inflected variants, so that tests and
// benchmarks exercise stemming ("withdraw", "withdrawal", "withdrawing" …).
var newsWords = strings.Fields(`withdraw withdrawal withdrawing withdrew withdrawn
negotiate negotiation negotiations negotiating negotiator negotiators
govern government governments governing governor
elect election elections elected electing elector
vote votes voted voting voter voters
minister ministers ministry ministerial
announce announced announcement announcing
ceasefire ceasefires peace peaceful talks talked talking
economy economic economies economist economists
market markets marketing marketed
invest investment investments investing investor investors
report reports reported reporting reporter reporters
attack attacks attacked attacking attacker
protest protests protested protesting protester protesters
court courts judge judges judged ruling rulings
police policing officer officers official officials
president presidential presidency
parliament parliamentary lawmakers law laws
company companies profit profits profitable
bank banks banking banker bankers
price prices priced pricing inflation
trade trades traded trading trader traders
energy oil gas climate warming emissions
health hospital hospitals patient patients doctor doctors
school schools student students teacher teachers
team teams player players match matches season seasons
win wins winning won winner winners
lose loses losing lost loser
film films music album albums award awards
technology technologies software internet online digital
phone phones mobile computer computers
research researcher researchers study studies studied
science scientist scientists space
city cities country countries region regional
border borders migrant migrants refugee refugees
military troops soldier soldiers army forces force
crisis crises conflict conflicts war wars
agree agreed agreement agreements
deal deals dealing dealt
increase increased increasing decrease decreased
rise rising rose risen fall falling fell fallen
growth grow growing grew grown
plan plans planned planning planner
develop developed developing development developments
build building buildings built builder
support supported supporting supporter supporters
oppose opposed opposing opposition
decide decided deciding decision decisions
suggest suggested suggesting suggestion
week weeks month months year yesterday today tomorrow
Monday Tuesday Wednesday Thursday Friday Saturday Sunday
London Paris Berlin Moscow Washington Geneva Beijing Tokyo
Europe European Asia Asian Africa African America American
Russia Russian Syria Syrian China Chinese Ukraine Ukrainian`)

// syllables build the pseudo-word vocabulary: pronounceable, lower case
// ASCII, and mostly untouched by the stemmer.
var syllables = strings.Fields(`ba be bi bo bu da de di do du fa fe fi fo ka ke ki ko ku
la le li lo lu ma me mi mo mu na ne ni no nu pa pe pi po pu ra re ri ro ru sa se si so su
ta te ti to tu va ve vi vo za zo bar ben dor fen gal hol kin lor mar nor pel quin ros sul
tam vel wen yor zan tri pra glo stre kra ble shan cho thu`)

// pseudoWords is the number of generated pseudo-words in the vocabulary.
const pseudoWords = 6000

// vocab is the fixed word list ranked for the Zipf draw: stop words, then real
// news words interleaved with pseudo-words. It is computed once from a fixed
// seed and never modified.
var vocab = buildVocab()

func buildVocab() []string {
	r := rand.New(rand.NewPCG(0x7469_6469, 0x6e67_73)) // fixed: the vocabulary never depends on the corpus seed
	seen := make(map[string]bool, pseudoWords+len(newsWords))
	for _, w := range stopWords {
		seen[w] = true
	}
	news := make([]string, 0, len(newsWords))
	for _, w := range newsWords {
		lw := strings.ToLower(w)
		if !seen[lw] {
			seen[lw] = true
			news = append(news, w)
		}
	}
	pseudo := make([]string, 0, pseudoWords)
	for len(pseudo) < pseudoWords {
		n := 2 + r.IntN(3)
		var b strings.Builder
		for range n {
			b.WriteString(syllables[r.IntN(len(syllables))])
		}
		w := b.String()
		if !seen[w] {
			seen[w] = true
			pseudo = append(pseudo, w)
		}
	}
	out := make([]string, 0, len(stopWords)+len(news)+len(pseudo))
	out = append(out, stopWords...)
	// Interleave one news word every few pseudo-words so real words are
	// spread over frequent and rare ranks alike.
	ni := 0
	for i, p := range pseudo {
		if i%4 == 0 && ni < len(news) {
			out = append(out, news[ni])
			ni++
		}
		out = append(out, p)
	}
	out = append(out, news[ni:]...)
	return out
}

// Sources are the publication names articles are attributed to.
var sources = []string{
	"BBC News", "The Daily Ledger", "Reuters Wire", "Le Monde Diplomatique", "Die Zeitung",
	"The Morning Herald", "Pacific Times", "Northern Courier", "Global Dispatch", "The Observer Post",
	"Metro Gazette", "Financial Chronicle", "Tech Report", "Science Weekly", "Sport Today",
	"El País Semanal", "Nordic Review", "The Evening Star", "Capital Journal", "Harbour Express",
}

// sections are folder paths; some are nested to exercise section prefixes.
var sections = []string{
	"world", "world/europe", "world/asia", "business", "politics",
	"technology", "science", "sport", "culture", "health",
}

var firstNames = strings.Fields(`Anna Ben Chloé David Elena François Greta Hiro Ines Jonas
Kofi Lena Marta Nadia Omar Paula Quentin Rosa Sven Tomás Ulla Victor Wen Xavier Yara Zoë`)

var lastNames = strings.Fields(`Smith Müller García Rossi Novak Kowalski Tanaka Okafor Dubois
Johansson Fischer Silva Costa Nguyen Ivanova Brennan Haddad Larsen Moreau Petrov Sato Weber`)

var tagWords = strings.Fields(`elections economy climate energy diplomacy security migration
health education technology ai space football tennis cricket film music books markets banking
trade courts crime transport housing science research culture travel food weather europe asia
africa americas middle-east protests war peace`)
