package referentiel

// ReponsesOrientation answer « Êtes-vous allé à … ? », asked at the visit
// after a referral: « pas encore » keeps the question for the next one.
var ReponsesOrientation = List{
	{"oui", "Oui, j'y suis allé"},
	{"non", "Non, je n'irai pas"},
	{"pas_encore", "Pas encore"},
}
