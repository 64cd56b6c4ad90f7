#!/usr/bin/env python3
"""Generate a synthetic corpus of policy articles for benchmarking ``brief``.

Usage::

    python benchmarks/generate_corpus.py --passages 100k --out benchmarks/corpora/100k
    python benchmarks/generate_corpus.py --passages 1M --out benchmarks/corpora/1M --seed 7

One YAML file per article, grouped into subfolders of at most 1,000 files
(``OUT/000/synth-0000001.yaml``). Output is deterministic: the same seed and
passage count give byte-identical files, whatever the number of worker
processes. Article *i* depends only on the seed and *i* (plus, for the last
article, the passage count), so a smaller corpus is nearly a prefix of a larger
one generated with the same seed.

Only the standard library is needed to generate; PyYAML is imported only by
``--verify``. Other benchmark scripts can call :func:`generate` directly.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import itertools
import math
import multiprocessing
import os
import random
import re
import sys
import time
from array import array
from pathlib import Path

__all__ = ["generate", "verify", "parse_size", "SECTORS", "COUNTRIES"]

# --------------------------------------------------------------------------
# Fixed vocabulary material. The vocabulary does not depend on --seed, so
# corpora of different sizes and seeds share word types and frequencies.
# --------------------------------------------------------------------------

VOCAB_SEED = 20240607
VOCAB_SIZE = 50_000
ZIPF_S = 1.1
FILES_PER_FOLDER = 1000
URN1_BITS, URN2_BITS = 16, 22  # sizes of the two word-sampling tables

# Rank 1.. : function words, in rough frequency order.
FUNCTION_WORDS = """
the of and to in a that is for on with as was by it at from be has have are said its
an this which not but were been their they had will would more also or who after over
than about into new can could one two there all up other some he his her we our may
first last year while such these those most when against only because since through
before during both should three many just without any where out them then so if
however how what between under years four five next well own each further very must
""".split()

# Very common news and policy words, in rough frequency order.
COMMON_WORDS = """
government country minister president percent billion million economic development
investment project projects countries state national international region regional
officials official trade energy security cooperation agreement support plan including
sector market growth financial bank companies company policy foreign public according
people time week month part law power political deal talks leaders capital oil gas
infrastructure debt programme funding budget prices reform economy ministry agency
construction pipeline tariffs exports imports partners partnership bilateral summit
railway border transport electricity water climate agriculture industry production
workers jobs health education tax loans investors market-based report analysts
experts plans strategy data crisis risk risks opportunity opportunities challenges
impact costs cost value level system services business businesses private local
global major key new large important strategic significant joint long-term renewable
announced signed agreed expected planned reported launched increase increased build
""".split()

# The rest of the core: real English policy and news words. Their ranks are
# shuffled with VOCAB_SEED, after FUNCTION_WORDS and COMMON_WORDS.
CORE_WORDS = """
government country countries minister ministry president state states national
international economic economy policy policies development project projects investment
investments investor investors region regional according official officials percent
billion million foreign public trade energy security cooperation agreement agreements
support plan plans programme program including sector sectors market markets growth
financial finance bank banks loan loans debt infrastructure pipeline pipelines tariff
tariffs renewable partnership partners partner bilateral multilateral summit talks
negotiations deal deals company companies firm firms business businesses industry
industrial production export exports import imports capital funding fund funds budget
spending revenue revenues tax taxes reform reforms law laws regulation regulations rules
court parliament election elections party parties political politics leader leaders
leadership power authorities authority agency agencies administration council committee
commission union bloc alliance organisation organization institution institutions
ministerial federal central local municipal province provinces city cities border
borders road roads railway rail railways port ports airport bridge bridges corridor
corridors transport transit logistics freight shipping network networks grid electricity
oil gas coal nuclear hydropower solar wind hydrogen water climate emissions carbon
environment environmental pollution drought floods land agriculture agricultural farmers
farming food wheat grain crops cotton rice livestock fisheries mining mine mines
minerals copper gold uranium lithium metals steel aluminium cement manufacturing factory
factories plant plants technology technologies digital internet data telecommunications
broadband software platform platforms innovation research science scientists university
universities education schools students teachers training skills health hospital
hospitals medical vaccine vaccines pandemic disease diseases workers labour jobs
employment unemployment wages salaries income incomes poverty inequality welfare pension
pensions housing households families population people citizens residents communities
community society social culture cultural heritage tourism tourists visitors travel
migration migrants refugees remittances visa visas diaspora military defence defense
army troops forces conflict war peace terrorism terrorist extremism stability
instability crisis crises sanctions dispute disputes tension tensions risk risks threat
threats challenge challenges opportunity opportunities potential benefit benefits impact
impacts effect effects cost costs price prices inflation currency exchange rate rates
interest credit lending lender lenders bond bonds equity shares stake stakes assets
asset ownership private state-owned enterprise enterprises corporation corporations
conglomerate consortium contractor contractors construction contract contracts tender
tenders procurement bid bids subsidy subsidies incentive incentives zone zones special
free hub hubs centre center facility facilities capacity output supply supplies demand
consumption consumer consumers customers goods services service commodity commodities
volume volumes value values share year years month months week weeks day days decade
decades century time period times quarter annual annually recent recently currently
previously later earlier early late future past present today yesterday tomorrow january
february march april may june july august september october november december spring
summer autumn winter season said says say told stated noted added announced reported
expected planned signed agreed approved launched opened completed built build building
develop developed developing expand expanded expanding increase increased increasing
decrease decreased reduce reduced reducing rise rose rising fall fell falling grow grew
growing remain remained remains continue continued continues become became becoming
include included includes provide provided providing receive received offer offered
allow allowed help helped need needs needed require required requires seek sought aim
aims aimed intend intends hope hoped want wanted make made making take took taken give
gave given show showed shown see seen find found call called ask asked tell meet met
meeting meetings hold held visit visited visits discuss discussed address addressed
raise raised cut cuts boost boosted strengthen strengthened improve improved improving
ensure ensured promote promoted encourage encouraged attract attracted invest invested
financed funded borrow borrowed lend lent repay repaid owe owed sell sold buy bought
traded ship shipped transported deliver delivered produce produced supplied exported
imported connect connected link linked integrate integrated operate operated manage
managed control controlled govern governed regulate regulated impose imposed lift lifted
ban banned restrict restricted block blocked suspend suspended delay delayed postpone
postponed cancel cancelled halt halted stall stalled resume resumed revive revived
review reviewed assess assessed examine examined warn warned criticise criticised
criticize criticized oppose opposed reject rejected accept accepted welcome welcomed
praise praised supported back backed endorse endorsed propose proposed suggest suggested
argue argued claim claimed deny denied confirm confirmed reveal revealed estimate
estimated projected forecast forecasts predict predicted account accounted represent
represented reach reached exceed exceeded double doubled triple tripled new major large
small big key main important significant critical strategic commercial global domestic
independent sovereign joint mutual common shared long-term short-term medium-term
sustainable green clean low-carbon efficient modern advanced traditional historic
historical fiscal monetary legal illegal formal informal rural urban northern southern
eastern western coastal landlocked remote poor rich wealthy emerging high low higher
lower highest lowest strong weak stronger weaker stable unstable secure vulnerable open
closed transparent corrupt effective ineffective successful unsuccessful ambitious
modest limited substantial considerable massive huge vast broad wide narrow deep heavy
light costly cheap expensive affordable available necessary possible likely unlikely
uncertain clear unclear difficult easy complex simple direct indirect current former
previous next last final initial first second third fourth fifth several various
numerous different similar other same certain particular specific general overall total
average additional further extra existing ongoing pending controversial popular
unpopular competitive attractive favourable favorable positive negative optimistic
pessimistic cautious careful concerned worried crucial vital essential urgent immediate
gradual rapid slow quick steady sharp slight moderate severe serious acute chronic very
also still already only even just again now then often usually generally largely mainly
mostly particularly especially increasingly significantly sharply slightly gradually
rapidly quickly slowly eventually finally initially originally reportedly allegedly
officially publicly privately jointly directly indirectly roughly nearly almost
approximately about around some much many more most less least few fewer enough too
quite rather well far instead therefore thus hence meanwhile moreover furthermore
nevertheless nonetheless although though whereas unless whether despite amid among
amongst within across along toward towards beyond behind ahead alongside throughout upon
per via versus regarding concerning following excluding analysis analyst analysts expert
experts observer observers commentator commentators report reports study studies survey
surveys figures statistics estimates index indicator indicators trend trends outlook
scenario scenarios assessment evaluation strategy strategies vision goal goals target
targets objective objectives priority priorities initiative initiatives framework
frameworks mechanism mechanisms instrument instruments tool tools measure measures step
steps action actions effort efforts approach approaches model models system systems
structure structures process processes procedure procedures standard standards
requirement requirements condition conditions term terms clause provision provisions
memorandum understanding protocol treaty treaties accord convention charter declaration
statement statements communique resolution resolutions decision decisions decree decrees
order orders directive directives guideline guidelines roadmap blueprint agenda issue
issues problem problems question questions concern concerns matter matters debate
debates discussion discussions dialogue consultation consultations negotiation consensus
compromise disagreement disagreements opposition criticism protest protests
demonstration demonstrations strike strikes unrest violence attack attacks incident
incidents accident accidents disaster disasters emergency emergencies shortage shortages
delays obstacle obstacles barrier barriers bottleneck bottlenecks gap gaps shortfall
shortfalls deficit deficits surplus surpluses default defaults arrears bankruptcy
insolvency corruption fraud bribery scandal scandals investigation investigations probe
audit audits transparency accountability oversight compliance enforcement violation
violations penalty penalties fine fines dependence dependency reliance exposure leverage
influence pressure pressures competition rivalry rival rivals competitor competitors man
men woman women child children youth young old elderly generation worker farmer
entrepreneur entrepreneurs owner owners manager managers executive executives chief
director directors chairman chairwoman head heads spokesman spokeswoman spokesperson
representative representatives delegate delegates delegation delegations ambassador
ambassadors envoy envoys diplomat diplomats diplomacy diplomatic embassy embassies
consulate governor governors mayor mayors lawmaker lawmakers legislator legislators
deputy deputies senator senators member members ministers premier chancellor king prince
president-elect secretary generals commander commanders officer officers soldier
soldiers police citizen voter voters taxpayer taxpayers stakeholder stakeholders donor
donors creditor creditors borrower borrowers shareholder shareholders buyer buyers
seller sellers supplier suppliers producer producers exporter exporters importer
importers operator operators developer developers world globe continent asia europe
africa america americas eurasia middle east west north south neighbourhood neighbour
neighbours neighbor neighbors area areas territory territories district districts
village villages town towns countryside coast coastline sea ocean river rivers lake
lakes basin valley mountain mountains desert steppe field fields site sites location
locations route routes line lines links gateway crossing crossings checkpoint terminal
terminals station stations depot warehouse warehouses highway highways motorway tunnel
tunnels dam dams reservoir canal canals refinery refineries smelter mill mills park
parks estate estates cluster clusters money cash dollar dollars euro euros yuan rouble
roubles tenge rupee rupees yen pound pounds reserve reserves gdp productivity efficiency
profitability profit profits loss losses margin margins return returns dividend
dividends yield yields premium discount valuation payment payments transfer transfers
grant grants aid assistance donation contribution contributions allocation allocations
appropriation expenditure expenditures outlay investment-grade rating ratings downgrade
upgrade stimulus recovery recession slowdown downturn boom expansion contraction
stagnation volatility uncertainty confidence sentiment energy-security supply-chain
value-chain access advantage advice airline airlines airspace allies ally alternative
alternatives ambition ambitions amount amounts anniversary announcement announcements
answer appeal application applications appointment arrangement arrangements arrival
article articles aspect aspects attempt attempts attention attitude audience autonomy
availability awareness balance ballot base bases basis battery batteries behaviour
belief benchmark bill bills biodiversity board boards body bodies boundary brand
breakthrough briefing broadcast broadcaster budgetary burden cabinet campaign campaigns
candidate candidates cap caps capability capabilities career case cases category cause
causes ceasefire ceiling chamber chance chances change changes channel channels chapter
character charge charges choice choices circle circumstances class classroom coalition
coalitions collaboration collapse column commitment commitments communication
communications component components concept concession concessions conclusion conference
conferences confrontation connection connections connectivity consequence consequences
conservation consideration constitution constraint constraints consultant consultants
content context contrast corporate counterpart counterparts coverage crop cross-border
customer cybersecurity cycle damage danger dangers deadline deadlines dealer decline
declines decarbonisation decarbonization delivery demographic demographics department
departments deposit deposits design destination destinations detail details deterrence
device devices difference differences dimension direction disclosure distribution
diversification diversity document documents domain doubt draft driver drivers duty
duties earnings edge edition electorate element elements elite elites embargo emphasis
empire engagement engine engineer engineers engineering entity entities entry episode
equality equipment era escalation essence establishment event events evidence example
examples exception exercise exercises exhibition existence expectation expectations
experience experiences experiment expertise explanation exploration extension extent
extraction fact factor factors failure failures faith feature features fee fees
fertiliser fertilizer festival fibre figure fleet flight flights flow flows focus force
forecasting forest forests forum forums foundation foundations fraction freedom frontier
fuel fuels function functions gain gains game gas-fired generator generators genocide
geography geopolitics gesture glacier governance government-backed grade graduate
graduates ground grounds group groups guarantee guarantees guard guidance handling
harvest headquarters health-care hearing heat history holder holiday holidays honour
horizon host hostility hour hours idea ideas identity ideology image imbalance
implementation importance improvement improvements incidence inclusion independence
industrialisation industrialization infection inflow inflows information input inputs
insight inspection installation instance insurance integration intelligence intention
interest-free interests interview interviews introduction inventory irrigation island
islands item items job journal journalist journalists journey judge judges judgement
jurisdiction justice knowledge label labour-market landscape language languages launch
lawsuit lawyer lawyers layer lead leak lease lesson lessons letter level levels
liability liberalisation licence licences license life lifetime limit limits liquidity
list literacy lobby lobbying logic loyalty machinery maintenance majority mandate
manufacturer manufacturers map mark market-based mass material materials media medicine
memory message metal method methods milestone mind minority minorities mission missions
mix mobility modernisation modernization moment momentum monitor monitoring monopoly
mood motion motive movement movements narrative nation nations nationalism nature
negotiator negotiators newspaper nomination norm norms note notion number numbers
observation occasion offers office offices oil-rich operation operations opinion
opinions option options origin outbreak outcome outcomes outflow outflows overview pace
package packages panel paper papers parity part participant participants participation
parts passage passenger passengers patent path pathway pattern patterns peacekeeping
peak performance permission permit permits perspective phase phases pilot piece place
places pledge pledges point points pole poll polls portfolio position positions
possibility post posts practice practices precedent preference preparation presence
presidency prestige prevention principle principles prison privatisation privatization
prize probability product products profession professional professionals profile
progress prominence promise promises proportion proposal proposals prospect prospects
prosperity protection protectionism publication purchase purchases purpose pursuit
quality quantity quota quotas race radio range ranking ratio reaction readiness reality
reason reasons recognition recommendation recommendations record records recruitment
referendum reference regime regimes registration regulator regulators relation relations
relationship relationships release relief religion remark remarks removal renewal repair
replacement representation reputation request requests rescue reservation resilience
resistance resource resources respect response responses responsibility rest restriction
restrictions restructuring result results retail retirement revision revolution reward
rhetoric right rights role roles rollout round rounds rule rule-based safeguard
safeguards safety sale sales sample satellite scale scheme schemes scope scrutiny search
seat seats secretariat section segment selection self-sufficiency sense sentence series
session sessions settlement settlements shift shifts shock shocks shop signal signals
signature significance signing situation size skill slogan solution solutions source
sources sovereignty space speaker speech speeches speed sphere spirit sponsor sport
staff stage stages stance status stock stocks storage story strain strength strengths
stress struggle subject submission subsidiary success succession suggestion sum summary
supervision supporter supporters surge surveillance suspension symbol talent tank task
tasks team teams technique telecom television temperature tenure test tests text theme
theory threshold ticket tie ties timeline title tone top topic topics track traffic
tragedy train trains transaction transactions transformation transition treatment trial
trials trip trips trouble trust truth turn turnover type types unity universe usage use
user users variety vehicle vehicles venture ventures version victim victims victory view
views voice voices vote votes wage warning warnings waste wave way ways wealth weapon
weapons website weight will window wing winner withdrawal witness word words work
workforce workshop workshops writer yard abandon accelerate accompany accuse achieve
acknowledge acquire adapt adjust adopt advance affect afford alleviate allocate amend
analyse analyze anticipate appear apply appoint arrange arrive assist assume attend
authorise avoid award bind broker calculate capture carry celebrate certify characterise
choose clarify close collaborate collect combine commit compare compensate compete
complain comply compose concentrate conclude conduct consider consolidate construct
consult contain contribute convene convert coordinate cope correct cover create
cultivate curb decide declare define demonstrate depend deploy derive describe deserve
determine diversify divert drive drop earn ease emerge emphasise employ enable enact
engage enhance enter establish evaluate evolve exclude execute exist expect explain
exploit explore expose extend extract face facilitate fail favour fight fill finalise
fix follow formulate foster freeze fulfil gather generate handle harmonise harness hedge
highlight identify ignore implement imply incorporate indicate inform initiate insist
inspect install institute insure intensify introduce invite involve join justify keep
lack lay leave legislate locate lose maintain maximise mediate migrate minimise mitigate
mobilise modernise modify negotiate nominate notify obtain occupy occur offset outline
overcome oversee participate pass pay perform persuade possess prepare preserve prevent
prioritise privatise proceed prohibit prompt protect prove publish pursue push qualify
rank ratify react recognise recommend reconsider recover recruit redirect refine reflect
refuse regain register reinforce relaunch relieve rely remove renew renegotiate replace
resist resolve respond restore restructure retain retire reverse revise run save
schedule serve settle shape shrink sign simplify solve spark specify spend split spread
stabilise stand start stay stem stimulate stop streamline submit succeed suffer suit
surpass survive sustain switch tackle tighten transform translate treat trigger
undermine undertake unite unlock update urge utilise verify withdraw worsen
""".split()

SECTORS = [
    "agriculture", "clean-energy", "culture", "digital", "diplomacy", "economy",
    "education", "energy", "environment", "finance", "governance", "health",
    "industry", "infrastructure", "labour", "migration", "security", "social",
    "tourism", "trade", "urban",
]

# Relative popularity of sectors (skewed).
SECTOR_WEIGHTS = {
    "economy": 14, "energy": 11, "trade": 10, "infrastructure": 9, "diplomacy": 8,
    "security": 7, "finance": 6, "governance": 6, "environment": 5,
    "clean-energy": 4, "industry": 4, "agriculture": 3, "health": 3, "digital": 3,
    "labour": 2, "social": 2, "migration": 2, "education": 2, "urban": 1.5,
    "culture": 1, "tourism": 1,
}

# Words inserted into a passage's text for each of its sectors.
SECTOR_TERMS = {
    "agriculture": "agriculture agricultural farming farmers crops wheat irrigation grain "
                   "livestock food",
    "clean-energy": "renewable solar wind hydrogen hydropower decarbonisation low-carbon clean",
    "culture": "culture cultural heritage museum film language arts festival",
    "digital": "digital internet broadband data telecommunications software cybersecurity "
               "platforms",
    "diplomacy": "diplomatic diplomacy summit ambassador bilateral envoy talks ministers",
    "economy": "economy economic growth gdp inflation recession output",
    "education": "education universities schools students scholarships training",
    "energy": "energy oil gas electricity power grid pipeline coal",
    "environment": "environment environmental emissions pollution climate biodiversity water",
    "finance": "finance loans debt banks bonds lending currency credit",
    "governance": "governance corruption reform regulation parliament transparency institutions",
    "health": "health hospitals vaccines pandemic disease medical",
    "industry": "industry manufacturing factories steel industrial production",
    "infrastructure": "infrastructure railway roads ports bridges construction corridor",
    "labour": "workers labour jobs wages unions employment unemployment",
    "migration": "migration migrants refugees remittances visas diaspora",
    "security": "security military defence terrorism border conflict troops",
    "social": "social poverty inequality welfare housing communities",
    "tourism": "tourism tourists hotels visitors travel airlines",
    "trade": "trade exports imports tariffs customs tariff goods",
    "urban": "urban cities city municipal transport housing metro",
}
SECTOR_TERMS = {k: v.split() for k, v in SECTOR_TERMS.items()}

KIND_CUES = {
    "challenge": "risk risks concern concerns dispute delays shortage obstacles pressure "
                 "tensions criticism problems difficulties threat burden",
    "opportunity": "opportunity opportunities potential benefit benefits prospects promising "
                   "partnership expand gains boost",
    "context": "history background established previously according reported framework",
}
KIND_CUES = {k: v.split() for k, v in KIND_CUES.items()}

KINDS = ["context", "opportunity", "challenge"]

# (slug, popularity weight). Slug = lowercase English name, spaces -> hyphens.
COUNTRY_WEIGHTS = [
    ("china", 20), ("russia", 14), ("united-states", 12), ("kazakhstan", 10),
    ("india", 7), ("germany", 5), ("japan", 4), ("united-kingdom", 4),
    ("france", 4), ("turkey", 4), ("uzbekistan", 4), ("iran", 3),
    ("pakistan", 3), ("brazil", 3), ("south-africa", 3), ("nigeria", 3),
    ("kenya", 3), ("ethiopia", 2), ("zambia", 2), ("indonesia", 2),
    ("saudi-arabia", 2), ("kyrgyzstan", 2), ("tajikistan", 2), ("mongolia", 2),
    ("turkmenistan", 2), ("azerbaijan", 2), ("georgia", 2), ("ukraine", 2),
    ("south-korea", 2), ("vietnam", 2), ("egypt", 2), ("canada", 1.5),
    ("australia", 1.5), ("italy", 1.5), ("poland", 1.5), ("mexico", 1.5),
    ("argentina", 1), ("serbia", 1), ("angola", 1), ("ghana", 1),
    ("tanzania", 1), ("spain", 1),
]
COUNTRIES = [slug for slug, _ in COUNTRY_WEIGHTS]
COUNTRY_NAMES = {slug: " ".join(p.capitalize() for p in slug.split("-")) for slug in COUNTRIES}

SOURCES = [
    ("Synthetic Policy Review", 10), ("Synthetic Energy Monitor", 6),
    ("Synthetic Trade Digest", 5), ("Synthetic Regional Observer", 5),
    ("Synthetic Development Weekly", 3), ("Synthetic Security Brief", 3),
    ("Synthetic Economic Journal", 2), ("Synthetic Silk Road Report", 2),
]
SECTIONS = ["Analysis", "News", "Opinion", "Briefing", "Interview", "Feature", "Explainer"]

FIRST_NAMES = """
Ana Li Maria James Aigerim Dmitri Fatima Chen Olga Samuel Priya Kenji Amara Lucas Nurlan
Sofia Wei Elena Daniel Zhanna Ahmed Grace Ivan Mei Thomas Aisha Rustam Hana Joseph Laura
Rahul Yuki Chinedu Emma Timur Sara Kwame Anna Marco Leila Pavel Ngozi David Dilnoza Jun
Claire Omar Irina Paulo Akua José Zoë Bülent Søren Łukasz Renée Hélène Jürgen Çağla Ayşe
""".split()
LAST_NAMES = """
Perez Wei Ivanova Smith Nurlanovna Petrov Khan Zhang Kovalenko Okafor Sharma Tanaka Mensah
Silva Bekov Rossi Liu Popescu Schmidt Abenova Hassan Mwangi Sokolov Wang Brown Ibrahim
Karimov Suzuki Adeyemi Dubois Tulegenov Nowak Kariuki Lopez Morozova Chen Garcia Akhmetov
Yilmaz Park Nguyen Osei Novak Haddad Fischer Tursunov Müller Öztürk Ålund Gonçalves
Lefèvre Dvořák Çelik Sánchez Núñez Şahin
""".split()
ROLES = [
    "a senior fellow", "a research associate", "a correspondent", "an economist",
    "a contributing editor", "a former diplomat", "a policy analyst", "a visiting scholar",
]

# --------------------------------------------------------------------------
# Vocabulary construction
# --------------------------------------------------------------------------

_ONSETS = ("b br c ch d dr f fl g gr h j k kh l m n p pr r s sh st t tr v z zh "
           "bl kr sk sp").split() + [""] * 4
_VOWELS = "a e i o u a e i o ai ou ia ei ya".split()
_CODAS = ["", "", "", "", "", "n", "r", "s", "l", "m", "k", "t", "nd", "st", "ng"]
_SUFFIXES = "ism ation ian ov stan ity ment er ova ek ite".split()
_ACCENTS = {"a": "á", "e": "é", "o": "ö", "u": "ü", "i": "ı", "s": "ş"}


def _pseudo_words(count: int, taken: set[str], rng: random.Random) -> list[str]:
    """Unique pronounceable non-words built from syllables (deterministic)."""
    out: list[str] = []
    seen = set(taken)
    onsets, vowels, codas = _ONSETS, _VOWELS, _CODAS
    while len(out) < count:
        n_syl = rng.choice((2, 2, 2, 2, 3, 3, 3))
        w = "".join(rng.choice(onsets) + rng.choice(vowels) + rng.choice(codas)
                    for _ in range(n_syl))
        r = rng.random()
        if r < 0.10:
            w += rng.choice(_SUFFIXES)
        elif r < 0.12:  # a few non-ASCII word types, for tokeniser realism
            i = rng.randrange(len(w))
            w = w[:i] + _ACCENTS.get(w[i], w[i]) + w[i + 1:]
        if len(w) < 4 or w in seen:
            continue
        seen.add(w)
        out.append(w)
    return out


def _cum(weights) -> list[float]:
    return list(itertools.accumulate(weights))


class _Vocab:
    """All shared tables; built once per process (inherited by forked workers)."""

    def __init__(self) -> None:
        rng = random.Random(VOCAB_SEED)
        words: list[str] = []
        seen: set[str] = set()

        def add(ws):
            for w in ws:
                if w not in seen:
                    seen.add(w)
                    words.append(w)

        add(FUNCTION_WORDS)
        add(COMMON_WORDS)
        rest = [w for w in dict.fromkeys(CORE_WORDS) if w not in seen]
        extra = [w for ws in itertools.chain(SECTOR_TERMS.values(), KIND_CUES.values())
                 for w in ws if w not in seen and w not in rest]
        rest.extend(dict.fromkeys(extra))
        rng.shuffle(rest)
        add(rest)
        self.n_core = len(words)
        words.extend(_pseudo_words(VOCAB_SIZE - len(words), seen, rng))
        self.words = words
        # Zipf sampling by table lookup, much faster than bisecting cumulative
        # weights. Level 1 has 2**16 slots, indexed by a random 16-bit number:
        # word w fills floor(p(w) * 2**16) of them and the remaining slots are
        # None ("escape"). Level 2 has 2**22 slots holding the leftover mass
        # p(w) * 2**16 - floor(...) and is used on escape (~17% of draws, and
        # all of the long tail). Together they reproduce p(w) to within 2**-22.
        zipf = [1.0 / (r ** ZIPF_S) for r in range(1, len(words) + 1)]
        z_total = math.fsum(zipf)
        m1, m2 = 1 << URN1_BITS, 1 << URN2_BITS
        scaled = [z / z_total * m1 for z in zipf]
        counts1 = [int(x) for x in scaled]
        urn1 = list(itertools.chain.from_iterable(
            itertools.repeat(w, c) for w, c in zip(words, counts1)))
        urn1.extend([None] * (m1 - len(urn1)))
        left = _cum(x - c for x, c in zip(scaled, counts1))
        bounds = [round(c / left[-1] * m2) for c in left]
        counts2 = [b - a for a, b in zip([0] + bounds[:-1], bounds)]
        assert len(urn1) == m1 and sum(counts2) == m2
        assert all(a or b for a, b in zip(counts1, counts2))
        self.urn1 = urn1
        self.urn2 = list(itertools.chain.from_iterable(
            itertools.repeat(w, c) for w, c in zip(words, counts2)))

        # Titles: content words of the core only (no function words), Zipf-ranked.
        n_func = len(dict.fromkeys(FUNCTION_WORDS))
        self.title_words = words[n_func:self.n_core]
        self.title_cum = _cum(1.0 / (r ** ZIPF_S) for r in range(1, len(self.title_words) + 1))

        self.source_names = [s for s, _ in SOURCES]
        self.source_cum = _cum(w for _, w in SOURCES)
        self.source_slugs = {s: s.lower().replace(" ", "-") for s, _ in SOURCES}

        # A fixed pool of bylines with skewed popularity.
        authors: list[str] = []
        aseen: set[str] = set()
        while len(authors) < 600:
            a = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if a not in aseen:
                aseen.add(a)
                authors.append(a)
        self.authors = authors
        self.author_cum = _cum(1.0 / (r ** 0.8) for r in range(1, len(authors) + 1))


_VOCAB: _Vocab | None = None


def _vocab() -> _Vocab:
    global _VOCAB
    if _VOCAB is None:
        _VOCAB = _Vocab()
    return _VOCAB


# --------------------------------------------------------------------------
# Article generation
# --------------------------------------------------------------------------

_SMALL = {"a", "an", "the", "of", "in", "on", "for", "to", "and", "over", "with",
          "at", "by", "from", "as", "amid", "after"}
_CONNECTORS = ["over", "amid", "as", "after", "for", "in", "and", "with"]
_DATE_LO = _dt.date(2005, 1, 1).toordinal()
_DATE_SPAN = _dt.date(2025, 12, 31).toordinal() - _DATE_LO


def _table(items, weights, size: int = 1000) -> list:
    """Lookup table: ``t[int(random() * len(t))]`` draws items by weight."""
    cum = _cum(weights)
    bounds = [round(c / cum[-1] * size) for c in cum]
    return [x for x, a, b in zip(items, [0] + bounds[:-1], bounds) for _ in range(b - a)]


# Per-passage distributions as lookup tables (much cheaper than random.choices).
_KIND_T = _table(KINDS, [55, 25, 20], 100)
_NSEC_T = _table((0, 1, 2, 3), [10, 45, 33, 12], 100)
_NACT_T = _table((0, 1, 2, 3), [30, 35, 25, 10], 100)
_NSENT_T = _table((1, 2, 3, 4, 5, 6), [3, 14, 26, 26, 18, 13], 100)
# Sentence length 8..35 words, triangular-ish with mode ~14 (mean ~19).
_SLEN_T = _table(range(8, 36), [min(i - 6, (36 - i) * 0.35) for i in range(8, 36)], 1000)
_SECTOR_T = _table(SECTORS, [SECTOR_WEIGHTS[s] for s in SECTORS], 1000)
_COUNTRY_T = _table(COUNTRIES, [w for _, w in COUNTRY_WEIGHTS], 1000)
_SECTION_T = _table(SECTIONS, [30, 25, 12, 13, 6, 9, 5], 100)


_BIG_ENDIAN = sys.byteorder == "big"
_U32 = "I" if array("I").itemsize == 4 else "L"
_SHIFT2 = (32 - URN2_BITS).__rrshift__  # x -> x >> (32 - URN2_BITS)


def _words(rng: random.Random, V: _Vocab, k: int) -> list[str]:
    """k Zipf-distributed words (deterministic for a given rng state)."""
    idx = array("H", rng.randbytes(2 * k))
    if _BIG_ENDIAN:
        idx.byteswap()
    urn1 = V.urn1
    toks = [urn1[i] for i in idx]
    n_esc = toks.count(None)
    if n_esc:
        idx2 = array(_U32, rng.randbytes(4 * n_esc))
        if _BIG_ENDIAN:
            idx2.byteswap()
        nxt = map(V.urn2.__getitem__, map(_SHIFT2, idx2)).__next__
        toks = [w or nxt() for w in toks]
    return toks


def _q(s: str) -> str:
    """Double-quoted YAML scalar."""
    if "\\" in s or '"' in s:
        s = s.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + s + '"'


def _cap(w: str) -> str:
    return w[:1].upper() + w[1:]


def _number(rng: random.Random) -> str:
    r = rng.random()
    if r < 0.3:
        return str(rng.randint(2000, 2030))
    if r < 0.55:
        return f"{rng.randint(1, 95)}%"
    if r < 0.8:
        return f"${rng.randint(1, 900) / 10:g} billion"
    return str(rng.randint(2, 500))


def _pick(random_, primaries, table, n: int, p_primary: float) -> list[str]:
    """Up to n distinct items, preferring the article's primary ones."""
    out: list[str] = []
    for _ in range(n * 3):
        if primaries and random_() < p_primary:
            x = primaries[int(random_() * len(primaries))]
        else:
            x = table[int(random_() * len(table))]
        if x not in out:
            out.append(x)
            if len(out) == n:
                break
    return out


def _title(rng, V, sectors, actors) -> str:
    n = rng.randint(4, 9)
    ws = list(dict.fromkeys(rng.choices(V.title_words, cum_weights=V.title_cum, k=n)))
    if len(ws) > 1 and rng.random() < 0.4:
        ws.insert(rng.randint(1, len(ws) - 1), rng.choice(_CONNECTORS))
    if sectors and rng.random() < 0.5:
        term = rng.choice(SECTOR_TERMS[rng.choice(sectors)])
        if term not in ws:
            ws.insert(rng.randint(0, len(ws) - 1), term)
    if actors and rng.random() < 0.5:
        ws.insert(0, COUNTRY_NAMES[rng.choice(actors)])
    words = [w if (i and w in _SMALL) else "-".join(_cap(p) for p in w.split("-"))
             for i, w in enumerate(ws)]
    return " ".join(words)


def _passage_text(rng, V, kind, sectors, actors) -> str:
    random_ = rng.random
    n_sent = _NSENT_T[int(random_() * 100)]
    if n_sent == 1:
        lengths = [25 + int(random_() * 11)]
    else:
        lengths = [_SLEN_T[int(random_() * 1000)] for _ in range(n_sent)]
        while sum(lengths) < 40:
            j = int(random_() * n_sent)
            lengths[j] = min(35, lengths[j] + 5)
    total = sum(lengths)
    toks = _words(rng, V, total)

    # Make the text consistent with the tags: sector terms, country names, and
    # a cue word for challenge/opportunity passages.
    inserts: list[str] = []
    for s in sectors:
        terms = SECTOR_TERMS[s]
        for _ in range(1 + (random_() < 0.5) + (total > 80)):
            inserts.append(terms[int(random_() * len(terms))])
    for a in actors:
        name = COUNTRY_NAMES[a]
        inserts.append(name + "'s" if random_() < 0.2 else name)
        if random_() < 0.4:
            inserts.append(name)
    if kind != "context" or random_() < 0.2:
        cues = KIND_CUES[kind]
        inserts.append(cues[int(random_() * len(cues))])
    if random_() < 0.3:
        inserts.append(_number(rng))
    used: set[int] = set()
    for w in inserts[:total]:
        pos = int(random_() * total)
        while pos in used:
            pos = (pos + 1) % total
        used.add(pos)
        toks[pos] = w

    # Sentence casing and punctuation, in place.
    s = 0
    for n in lengths:
        w = toks[s]
        toks[s] = w[:1].upper() + w[1:]
        if n >= 12:
            r = random_()
            if r < 0.5:
                toks[s + 3 + int(random_() * (n - 6))] += ","
            elif r < 0.53:  # a short quotation (exercises YAML escaping)
                a = s + 1 + int(random_() * (n - 5))
                toks[a] = '"' + toks[a]
                toks[a + 2 + int(random_() * 3)] += '"'
        s += n
        toks[s - 1] += "?" if random_() < 0.03 else "."
    return " ".join(toks)


def _article(idx: int, n_passages: int, seed: int) -> tuple[str, str]:
    """Return (article id, YAML text) for article number idx (0-based)."""
    V = _vocab()
    rng = random.Random(f"brief-synth:{seed}:{idx}")
    random_ = rng.random
    aid = f"synth-{idx + 1:07d}"

    prim_sectors = _pick(random_, None, _SECTOR_T, rng.randint(1, 3), 0.0)
    prim_actors = _pick(random_, None, _COUNTRY_T,
                        rng.choices((0, 1, 2, 3), cum_weights=(10, 50, 85, 100))[0], 0.0)
    title = _title(rng, V, prim_sectors, prim_actors)
    source = rng.choices(V.source_names, cum_weights=V.source_cum)[0]
    day = _dt.date.fromordinal(_DATE_LO + int(_DATE_SPAN * random_() ** 0.7))
    n_auth = rng.choices((1, 2, 3), cum_weights=(60, 90, 100))[0]
    authors = list(dict.fromkeys(rng.choices(V.authors, cum_weights=V.author_cum, k=n_auth)))

    out = [f"id: {aid}\n", f"title: {_q(title)}\n", f"source: {_q(source)}\n"]
    r = random_()
    if r < 0.85:
        out.append(f"section: {_SECTION_T[int(random_() * 100)]}\n")
    elif r < 0.92:
        out.append("section: null\n")
    # else: no section key at all (the field is optional)
    out.append("authors: [" + ", ".join(_q(a) for a in authors) + "]\n")
    if random_() < 0.15:
        note = f"{authors[0]} is {rng.choice(ROLES)} at the {source}."
        out.append(f"author_note: {_q(note)}\n")
    else:
        out.append("author_note: null\n")
    out.append(f"published: {day.isoformat()}\n")
    if random_() < 0.7:
        out.append(f"url: https://example.org/{V.source_slugs[source]}/{day.year}/{aid}\n")
    else:
        out.append("url: null\n")
    out.append("language: en\npassages:\n")

    for p in range(1, n_passages + 1):
        kind = _KIND_T[int(random_() * 100)]
        n_sec = _NSEC_T[int(random_() * 100)]
        sectors = _pick(random_, prim_sectors, _SECTOR_T, n_sec, 0.75) if n_sec else []
        n_act = _NACT_T[int(random_() * 100)]
        actors = _pick(random_, prim_actors, _COUNTRY_T, n_act, 0.7) if n_act else []
        text = _passage_text(rng, V, kind, sectors, actors)
        out.append(
            f"  - id: p{p:02d}\n"
            f"    text: {_q(text)}\n"
            f"    kind: {kind}\n"
            f"    sectors: [{', '.join(sectors)}]\n"
            f"    actors: [{', '.join(actors)}]\n"
            f"    reviewed: {'true' if random_() < 0.05 else 'false'}\n"
        )
    return aid, "".join(out)


def _plan(n_passages: int, seed: int) -> list[int]:
    """Passages per article: 5..60, log-normal around ~19, summing to n_passages."""
    rng = random.Random(seed)
    sizes: list[int] = []
    total = 0
    mu = math.log(19)
    while total < n_passages:
        k = min(60, max(5, round(rng.lognormvariate(mu, 0.45))))
        k = min(k, n_passages - total)
        sizes.append(k)
        total += k
    if len(sizes) > 1 and sizes[-1] < 5:
        combined = sizes.pop() + sizes.pop()
        if combined <= 60:
            sizes.append(combined)
        else:
            sizes.extend((combined // 2, combined - combined // 2))
    return sizes


def _write_chunk(task) -> tuple[int, int, int]:
    start, sizes, seed, out, width = task
    n_bytes = 0
    for off, k in enumerate(sizes):
        idx = start + off
        aid, text = _article(idx, k, seed)
        data = text.encode("utf-8")
        path = os.path.join(out, f"{idx // FILES_PER_FOLDER:0{width}d}", aid + ".yaml")
        with open(path, "wb") as f:
            f.write(data)
        n_bytes += len(data)
    return len(sizes), sum(sizes), n_bytes


def _clear(out: Path) -> None:
    for p in sorted(out.rglob("*.yaml")):
        if p.is_file():
            p.unlink()
    for d in sorted((p for p in out.rglob("*") if p.is_dir()), key=lambda p: -len(p.parts)):
        try:
            d.rmdir()  # only succeeds if empty
        except OSError:
            pass


def generate(n_passages: int, out: Path, seed: int = 42, *,
             workers: int | None = None, force: bool = False) -> dict:
    """Write a synthetic corpus of exactly ``n_passages`` passages into ``out``.

    Returns ``{"files", "passages", "bytes", "seconds", "seed", "out"}``.
    Raises FileExistsError if ``out`` is not empty and ``force`` is false; with
    ``force`` only ``*.yaml`` files (and folders left empty) are removed first.
    """
    if n_passages < 1:
        raise ValueError("n_passages must be >= 1")
    t0 = time.perf_counter()
    out = Path(out)
    if out.exists():
        if not out.is_dir():
            raise NotADirectoryError(str(out))
        if any(out.iterdir()):
            if not force:
                raise FileExistsError(f"{out} is not empty (use --force to clear *.yaml files)")
            _clear(out)
    out.mkdir(parents=True, exist_ok=True)

    _vocab()  # build before forking, so workers inherit it
    sizes = _plan(n_passages, seed)
    n_folders = (len(sizes) - 1) // FILES_PER_FOLDER + 1
    width = max(3, len(str(n_folders - 1)))
    for i in range(n_folders):
        (out / f"{i:0{width}d}").mkdir(exist_ok=True)

    chunk = 200
    tasks = [(s, sizes[s:s + chunk], seed, str(out), width) for s in range(0, len(sizes), chunk)]
    if workers is None:
        workers = min(os.cpu_count() or 1, 8)
    if workers <= 1 or n_passages < 20_000:
        results = [_write_chunk(t) for t in tasks]
    else:
        methods = multiprocessing.get_all_start_methods()
        ctx = multiprocessing.get_context("fork" if "fork" in methods else None)
        with ctx.Pool(workers) as pool:
            results = list(pool.imap_unordered(_write_chunk, tasks))
    files = sum(r[0] for r in results)
    passages = sum(r[1] for r in results)
    n_bytes = sum(r[2] for r in results)
    assert passages == n_passages, (passages, n_passages)
    return {"files": files, "passages": passages, "bytes": n_bytes,
            "seconds": round(time.perf_counter() - t0, 3), "seed": seed, "out": str(out)}


def verify(out: Path) -> dict:
    """Load every *.yaml file under ``out`` with yaml.safe_load and check the schema."""
    import yaml  # only needed here

    # Same schema as yaml.safe_load; the C loader (if built) is much faster.
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    sector_set, country_set = set(SECTORS), set(COUNTRIES)
    ids: set[str] = set()
    files = passages = 0
    kinds = dict.fromkeys(KINDS, 0)
    for path in sorted(Path(out).rglob("*.yaml")):
        with open(path, encoding="utf-8") as f:
            doc = yaml.load(f, Loader=loader)
        files += 1
        aid = doc["id"]
        assert aid not in ids and path.stem == aid, path
        ids.add(aid)
        assert isinstance(doc["title"], str) and doc["title"], path
        assert isinstance(doc["source"], str), path
        assert isinstance(doc["published"], _dt.date), path
        assert 2005 <= doc["published"].year <= 2025, path
        assert doc["authors"] and all(isinstance(a, str) for a in doc["authors"]), path
        assert doc["language"] == "en", path
        pids = set()
        ps = doc["passages"]
        assert 1 <= len(ps) <= 60, path
        for p in ps:
            assert p["id"] not in pids, (path, p["id"])
            pids.add(p["id"])
            assert isinstance(p["text"], str) and p["text"], (path, p["id"])
            assert p["kind"] in kinds, (path, p["id"])
            kinds[p["kind"]] += 1
            assert len(p["sectors"]) <= 3 and set(p["sectors"]) <= sector_set, (path, p["id"])
            assert len(p["actors"]) <= 3 and set(p["actors"]) <= country_set, (path, p["id"])
            assert isinstance(p["reviewed"], bool), (path, p["id"])
        passages += len(ps)
    return {"files": files, "passages": passages, "kinds": kinds}


def parse_size(text: str) -> int:
    """'2500', '10k', '1.5M' -> int."""
    m = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*", text)
    if not m:
        raise argparse.ArgumentTypeError(f"invalid size: {text!r} (e.g. 5000, 10k, 1M)")
    value = float(m.group(1)) * {"": 1, "k": 1_000, "m": 1_000_000}[m.group(2).lower()]
    if value < 1 or value != int(value):
        raise argparse.ArgumentTypeError(f"invalid size: {text!r}")
    return int(value)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        description="Generate a synthetic YAML corpus for brief benchmarks.")
    ap.add_argument("--passages", "-n", type=parse_size, required=True,
                    help="number of passages, e.g. 5000, 10k, 100k, 1M")
    ap.add_argument("--out", "-o", type=Path, required=True,
                    help="output folder, e.g. benchmarks/corpora/10k")
    ap.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    ap.add_argument("--force", action="store_true",
                    help="clear *.yaml files from a non-empty --out first")
    ap.add_argument("--workers", type=int, default=None,
                    help="worker processes (default: CPU count; output does not depend on it)")
    ap.add_argument("--verify", action="store_true",
                    help="afterwards load every file with PyYAML's safe loader and check it")
    args = ap.parse_args(argv)
    try:
        stats = generate(args.passages, args.out, args.seed, workers=args.workers, force=args.force)
    except (FileExistsError, NotADirectoryError) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    mb = stats["bytes"] / 1e6
    print(f"files: {stats['files']}\npassages: {stats['passages']}\n"
          f"bytes: {stats['bytes']} ({mb:.1f} MB)\nseconds: {stats['seconds']:.2f}",
          file=sys.stderr)
    if args.verify:
        t0 = time.perf_counter()
        v = verify(args.out)
        ok = v["files"] == stats["files"] and v["passages"] == stats["passages"]
        print(f"verify: {'ok' if ok else 'MISMATCH'} files={v['files']} passages={v['passages']} "
              f"kinds={v['kinds']} ({time.perf_counter() - t0:.1f}s)", file=sys.stderr)
        if not ok:
            return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
