"""Word lists the importer's heuristics use: French and English, nothing post-specific.

Kept as data in one place so that a reviewer can see every word a rule depends
on, and extend a list without touching the rules.
"""

from __future__ import annotations

import re


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
}
WEEKDAYS = _words(
    "lundi mardi mercredi jeudi vendredi samedi dimanche monday tuesday wednesday thursday friday saturday sunday"
)

# Capitalised at the start of a sentence, never part of a person's name.
STOPWORDS = _words("""
a à au aux avec ce ces cet cette celle celles celui ceux chacun chaque comme comment
dans de des du donc dont d elle elles en entre est et etc eux il ils je la le les leur leurs
lui l ma mais me même mes moi mon ne ni nos notre nous on ou où par parce pas pour pourquoi
quand que quel quelle quelles quels qui quoi sa sans se selon ses si son sont sous sur ta
te tes toi ton tous tout toute toutes tu un une vos votre vous y ainsi alors aussi autre
autres bien car certes cependant ceci cela ça d'abord déjà depuis dès désormais enfin
ensuite encore face grâce hier ici jamais jusqu lorsque loin malgré mieux moins non
notamment oui parfois peu peut plus plutôt pourtant puis puisque quelque quelques rien
sinon soit souvent surtout tant tel telle tels telles toujours très trop voici voilà
après avant contre chez vers via pendant lors afin outre hors
the of and or to in on at for with by from as is are was were be this that these those
it its an how why what when who whom which us we our you your they their he she his her
not no yes but if so than then there here now new all any some each every into about
over under after before between up down out off again more most other such only own
same too very can will just should
""")
# Capitalised words that are not names: titles, places, institutions, days, common nouns.
NOT_NAMES = _words("""
monsieur madame mademoiselle mr mrs ms dr docteur professeur pr saint sainte st
france paris europe afrique asie amérique royaume uni royaume-uni angleterre londres
états-unis etats-unis usa allemagne espagne italie belgique suisse canada québec
bretagne normandie lyon marseille nantes lille bordeaux toulouse grenoble strasbourg
etat état république région département ville commune métropole gouvernement ministère
internet web google facebook twitter wikipedia wikipédia youtube linkedin
janvier février mars avril mai juin juillet août septembre octobre novembre décembre
lundi mardi mercredi jeudi vendredi samedi dimanche
nord sud est ouest big society open data design thinking living lab fab
allemagne autriche danemark suède norvège finlande islande irlande écosse pays-bas hollande portugal grèce
pologne hongrie roumanie russie chine japon inde corée brésil argentine chili mexique colombie pérou
australie israël turquie maroc algérie tunisie sénégal égypte amsterdam berlin barcelone madrid rome
milan bruxelles genève montréal new york san francisco boston chicago londres manchester copenhague
stockholm helsinki rennes montpellier nice lille dijon angers tours metz nancy rouen caen brest poitiers
limoges clermont-ferrand besançon orléans reims amiens perpignan avignon aix-en-provence saint-étienne
île-de-france auvergne-rhône-alpes nouvelle-aquitaine occitanie hauts-de-france grand-est pays provence
alsace lorraine bourgogne aquitaine picardie champagne corse gironde seine loire rhône silicon valley
sciences po pôle emploi google maps wikipedia apple amazon microsoft uber
""")
# Words that head an organisation's name.
ORG_HEADS = _words("""
observatoire fondation association agence institut université laboratoire centre conseil
ministère commission collectif coopérative fédération syndicat chambre caisse école
musée cité société groupe réseau union mairie département métropole communauté banque
office parlement assemblée comité conservatoire direction mission cabinet atelier ville région commune
foundation institute university council agency department trust network centre center
""")
# Nouns that introduce a work: "le rapport X", "la publication X".
WORK_NOUNS = _words("""
publication publications rapport rapports livre livres ouvrage ouvrages article articles
documentaire documentaires film films vidéo video étude études essai essais billet
guide manifeste thèse mémoire revue magazine série émission conférence intervention
podcast report book paper
""")
# Roles that announce a person's name: "la journaliste Susie Cagle".
ROLE_NOUNS = _words("""
journaliste chercheur chercheuse sociologue économiste philosophe auteur auteure autrice
directeur directrice fondateur fondatrice cofondateur cofondatrice président présidente
professeur professeure designer urbaniste anthropologue historien historienne politiste
politologue député députée ministre maire élu élue consultant consultante militant
militante entrepreneur entrepreneuse blogueur blogueuse responsable chargé chargée
coordinateur coordinatrice réalisateur réalisatrice écrivain écrivaine géographe
juriste psychologue ingénieur ingénieure architecte activiste essayiste prix nobel
délégué déléguée secrétaire membre animateur animatrice chef cheffe porte-parole adjoint adjointe
""")
# Roles whose complement is a work, not an organisation: "auteur de L’Open data".
AUTHORSHIP = _words("auteur auteure autrice réalisateur réalisatrice écrivain écrivaine essayiste")

# Verbs that report speech; a quotation after "X ajoute que" is X's.
_ER_VERBS = """ajout affirm expliqu déclar estim soulign rappel not résum précis qualifi parl
évoqu insist observ dénonc avanc pointe prévien regrett constat interrog questionn analys
propos suggèr suggér plaid confi racont martèl lanc ironis exclam indiqu remarqu jug
considèr considér pens résum compar appel assur conseill insist prône prôn revendiqu
témoign commenc termin concèd concéd admett reconnai précis détaill alert rapport""".split()
_IRREGULAR = """écrit écrivent a écrit ont écrit dit disent a dit ont dit décrit décrivent
conclut concluent a conclu reconnaît reconnait reconnaissent poursuit poursuivent
soutient soutiennent a soutenu répond répondent a répondu défend défendent a défendu
prévient préviennent a prévenu admet admettent résume résument cite citent
s’interroge s'interroge s’exclame s'exclame s’inquiète s'inquiète s’amuse s'amuse
parle parlent rappelle rappellent a rappelé appelle appellent renouvelle
jette projette""".split("\n")


def _speech_forms() -> frozenset[str]:
    forms: set[str] = set()
    for stem in _ER_VERBS:
        base = stem[:-1] if stem.endswith("e") else stem
        forms.update({base + "e", base + "ent", "a " + base + "é", "ont " + base + "é", base + "ait", base + "aient"})
    for line in _IRREGULAR:
        words = line.split()
        i = 0
        while i < len(words):
            if words[i] in ("a", "ont") and i + 1 < len(words):
                forms.add(words[i] + " " + words[i + 1])
                i += 2
            else:
                forms.add(words[i])
                i += 1
    forms.discard("note")  # "note" is also a noun; "X note que" is still caught below
    return frozenset(forms)


SPEECH_VERBS = _speech_forms()
SPEECH_VERB = re.compile(
    r"(?<![\w’'])(?:"
    + "|".join(sorted((re.escape(f) for f in SPEECH_VERBS), key=len, reverse=True))
    + r"|note que|notent que)(?![\w’'])",
    re.IGNORECASE,
)

# First names, a broad list across the languages the blog cites. A capitalised
# pair whose first word is here is taken as a person without further evidence.
FIRST_NAMES = _words("""
aaron abel adam adèle adeline adrian adrien agathe agnès ahmed aida aidan aimé alain alan albert
alberto alexander alexandra alexandre alexis alfred ali alice alicia aline alison amandine amanda
amélie amy ana anaïs andré andrea andreas andrew andy angela angèle angélique anna anne annie
anthony antoine antoinette antonin antonio ariane arnaud arthur audrey aurélie aurélien axel
barbara barack bastien beatrice béatrice ben benjamin benoît benoit bernard bertrand betty bill
blandine bob boris brian brigitte bruce bruno camille carine carl carla carlos carole caroline
catherine cécile cédric céline chantal charles charlotte chloé chris christian christine
christophe christopher claire clara claude claudia clément clémence colin coralie corinne
cyril cyrille damien dan daniel danielle david delphine denis denise didier diane dominique
donald donna dorothée dylan édouard edgar edith édith edward eleanor élisabeth elisabeth élise
elinor eliot elizabeth ellen elodie élodie emilie émilie emily emma emmanuel emmanuelle eric éric
erik ernest esther étienne eugène eva eve évelyne fabien fabienne fabrice fanny félix fernand
fernando florence florent florian france-marie francis francisco franck françois françoise frank
frédéric frédérique gabriel gabrielle gaël gaëlle gaëtan gary geneviève geoffrey george georges
gérard géraldine ghislaine gilbert gilles ginette grégoire grégory guillaume gustave guy hannah
hans harold harry hélène henri henry herbert hervé hubert hugo hugues ian inès ingrid irène isaac
isabel isabelle ivan ivo jack jacqueline jacques james jane janet jason jean jean-baptiste
jean-claude jean-françois jean-louis jean-luc jean-marc jean-marie jean-michel jean-paul
jean-pierre jeanne jeff jennifer jérémie jérémy jérôme jessica jim joan joanna joe joël joëlle
john johan johanna jonathan jordan josé joseph josette josiane judith jules julia julian julie
julien juliette justin karen karim karl kate katherine kathy kelly kevin kim lara laura laure
laurence laurent léa léo léon léonard lionel lisa louis louise luc luca lucas lucie lucien
lucy ludovic luis lydia madeleine magali manon manuel manuela marc marcel marco margaret
margot marguerite maria marianne marie marie-christine marie-claire marie-france marie-hélène
marina marine mario marion mark marthe martin martine mary mathieu mathilde matthew matthias
matthieu maud maurice max maxime mélanie michael michaël michel michèle michelle mickaël
mireille monique muriel mustapha nadia nadine nancy natalie nathalie nathan nicolas nicole
nina noël noémie olivia olivier pascal pascale patrice patricia patrick paul paula pauline
peter philippe pierre pierre-yves quentin rachel raphaël raphaëlle raymond rebecca régis
régine rémi rémy renaud rené richard robert robin rodolphe roger roland romain rose rosine
ruth sabine sacha samuel sandra sandrine sara sarah sébastien serge simon simone sophie
stéphane stéphanie steve steven susan susie suzanne sylvain sylvie tanguy théo thérèse
thierry thomas tim timothée tom tony valentin valérie vanessa véronique victor vincent
virginie walter william xavier yann yannick yasmine yves yvette yvonne zoé
akim ada alix amartya anatole annabelle anton armand baptiste benedikt bérénique bettina
boaventura carlo cass chiara christiane clay claus colette dante dario denis donatella
edgard elena elinor émile enzo erving evgeny fatima federico francesca frantz geert gerhard
gianni giorgio giovanni gregory gunter günter hartmut heinz helen helga henrik hilary howard
hugh ignacio ilona irene ivan jacob jan jana janine jeremy jesper joachim jorge jürgen
kamel karin katarina klaus kristina lars lawrence leila lena lorenzo lorraine luciano ludwig
lukas magnus malik marcus mariana markus marta massimo matteo maurizio mehdi mia milton
mohamed moritz nadège naomi neil nick niels nora norbert olaf oscar otto pablo paolo patti
paulo pedro pekka per pia rafael rainer ralph ramon rebecca richard rita roberto rolf ronan
rudolf ryan salvatore samir sergio sherry silvia simona sofia stefan stefano sven svetlana
tariq teresa thorsten tobias tomas tristan ulrich ursula valentina vera viktor walter
wolfgang yochai yuval zygmunt lawrence manuel marshall seymour tim trebor yochai clay saskia
""")

# An English subtitle continues a title after a comma: "The Challenge of X, how equal ...".
ENGLISH_LINKS = _words(
    "how why what when where who whom which the a an from to for of and or with in on at by "
    "towards toward beyond between into our your their its is are can making lessons "
    "rethinking putting building designing"
)
# Publisher words that make a reference a book.
BOOK_PUBLISHER = re.compile(
    r"\b(?:press|presses|éditions?|editions?|edition|verlag|books|publishing|publishers|seuil|gallimard|"
    r"découverte|decouverte|puf|fayard|flammarion|odile jacob|armand colin|dunod|eyrolles|fyp|payot|"
    r"actes sud|routledge|penguin|wiley|springer|palgrave|polity|harper|random house|basic books|"
    r"bord de l['’]eau|l['’]harmattan|harmattan|belin|nathan|hachette|albin michel|stock|grasset)\b",
    re.IGNORECASE,
)
VIDEO_MARKER = re.compile(
    r"\s*[(\[]\s*(?:vostf|vostfr|vost|vo|vf|sous-titr\w*|vidéo|video|film|documentaire|"
    r"youtube|vimeo|doc)\s*[)\]]",
    re.IGNORECASE,
)
DOCUMENT_MARKER = re.compile(r"\s*[(\[]\s*(?:pdf|doc|docx|ppt|pptx|odt|\d+\s*(?:p|pages?)\.?)\s*[)\]]", re.IGNORECASE)
# Types of works introduced by a noun in the body.
WORK_TYPES = {
    "documentaire": "video",
    "documentaires": "video",
    "film": "video",
    "films": "video",
    "vidéo": "video",
    "video": "video",
    "série": "video",
    "émission": "video",
    "conférence": "video",
    "intervention": "video",
    "podcast": "video",
    "livre": "book",
    "livres": "book",
    "ouvrage": "book",
    "ouvrages": "book",
    "essai": "book",
    "essais": "book",
    "book": "book",
    "manifeste": "book",
    "article": "article",
    "articles": "article",
    "billet": "article",
    "revue": "article",
    "magazine": "article",
    "paper": "article",
    "thèse": "thesis",
    "mémoire": "thesis",
}

# Acronyms that name no organisation ("une PME", "la TVA"); others after "au", "du", "le"... do.
COMMON_ACRONYMS = _words("""
PME TPE ETI PDF RSS TVA PIB CDI CDD RH DRH DSI IT TIC NTIC ESS RSE TINA OK USA UK UE US ONG PPP API URL HTML
CSS SMS GPS TV RER TGV SDF HLM RSA APL BTP PLU SCOT ZAD FAQ CV QR NB PS CEO DG PDG ETP BD DIY IA AI IoT SaaS
FabLab FabLabs BtoB BtoC B2B B2C PhD MOOC MOOCs NFC RFID ADN OGM CO2 VS
""")
# Verbs after "la X" that make X an actor: "la Fing a accompagné", "la Fing propose".
ACTOR_VERBS = _words("""
a ont est sont était avait propose proposent organise organisent publie publient lance lancent accompagne
accompagnent mène mènent porte portent défend défendent réunit réunissent anime animent finance financent
soutient soutiennent définit définissent explique expliquent rappelle rappellent estime estiment souligne
soulignent affirme affirment conduit conduisent expérimente expérimentent développe développent
""")
