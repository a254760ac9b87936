"""Map printed names to canonical kinds (SKOS concepts of ``ontology/kinds.ttl``).

Three schemes: systems (中間サーバー, 団体内統合宛名システム …), actors (本人又は本人の代理人, 都道府県知事 …)
and transfer methods (紙, 専用線 …). A name is matched in four stages, first hit wins:

1. ``exact``: the normalised name (or the name without its parenthetical notes) equals a
   prefLabel/altLabel of a concept;
2. ``rule``: a keyword rule (e.g. 「番号連携」 -> IntegratedAddressee, 「住基ネット」 -> JukiNet);
3. ``fuzzy``: difflib ratio >= ``FUZZY_THRESHOLD`` against every label, for unseen spellings and typos;
4. ``rule`` again, generic rules that must not pre-empt fuzzy matching (「…管理システム」, 「…台帳システム」
   -> BusinessSystem, so that a misspelt 「ワクチン接種記緑システム」 still reaches VRS);
5. ``none``: the scheme's "other" concept; the caller should warn.

Labels are loaded once from kinds.ttl and results are cached, so calling the matchers thousands of
times costs little.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from pathlib import Path

from piagraph.paths import ONTOLOGY_DIR

KINDS_NS = "https://w3id.org/piagraph/kinds/"
SYSTEM_SCHEME = KINDS_NS + "system"
ACTOR_SCHEME = KINDS_NS + "actor"
METHOD_SCHEME = KINDS_NS + "method"
KINDS_FILE: Path = ONTOLOGY_DIR / "kinds.ttl"

#: Key of the catch-all concept in each scheme (as in kinds.ttl).
OTHER_KEYS = {"system": "other", "actor": "other", "method": "Other"}
FUZZY_THRESHOLD = 0.8
_MIN_FUZZY_LEN = 3


@dataclass(frozen=True)
class KindMatch:
    """Result of matching a printed name to a canonical kind."""

    iri: str
    key: str
    label: str  # the concept's Japanese prefLabel
    score: float  # 1.0 exact, 0.9 rule, difflib ratio for fuzzy, 0.0 none
    method: str  # 'exact' | 'rule' | 'fuzzy' | 'none'

    @property
    def matched(self) -> bool:
        """False when nothing matched and the result is the scheme's "other" concept."""
        return self.method != "none"


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_WS = re.compile(r"\s+")
_LEADING = re.compile(r"^(?:\[\s*[○〇◯✓✔xX]?\s*\]|[・･\-*■□◆◇●○〇◯※])+")
# A long-vowel mark closing a katakana word is optional in practice (サーバー / サーバ).
_TRAILING_CHOON = re.compile(r"(?<=[ァ-ヺ])ー(?![ァ-ヺー])")
_PAREN = re.compile(r"\([^()]*\)")


def normalize_label(text: str) -> str:
    """Matching key: NFKC, no white space, leading bullets/checkboxes dropped, casefolded.

    NFKC turns （） into () and full-width letters/digits into ASCII; 「」 are kept.
    A katakana word's final ー is dropped so that サーバー and サーバ agree.
    """
    s = unicodedata.normalize("NFKC", text)
    s = _WS.sub("", s)
    s = _LEADING.sub("", s)
    s = s.replace("−", "-").replace("‐", "-")
    s = _TRAILING_CHOON.sub("", s)
    return s.casefold()


def _strip_parens(key: str) -> str:
    previous = None
    while previous != key:
        previous, key = key, _PAREN.sub("", key)
    return key


def _variants(key: str) -> list[str]:
    """The key, the key without parenthetical notes or a trailing 等, and each note alone."""
    out = [key]
    bare = _strip_parens(key)
    if bare and bare not in out:
        out.append(bare)
    for candidate in (key, bare):
        if candidate.endswith("等") and len(candidate) > 1 and candidate[:-1] not in out:
            out.append(candidate[:-1])
    for inner in re.findall(r"\(([^()]+)\)", key):
        if inner not in out:
            out.append(inner)
    return out


# --------------------------------------------------------------------------------------------
# Rule tables: (regex on the normalised key, concept key). Order matters: first match wins.
# --------------------------------------------------------------------------------------------

_BUSINESS_WORDS = (
    "台帳|管理|業務|健康|保健|福祉|予防接種|接種|介護|保険|年金|手当|医療|子育て|児童|母子|戸籍|障害|障がい|"
    "生活保護|かるて|カルテ|検診|健診"
)

_SYSTEM_RULES: list[tuple[str, str]] = [
    (r"中間サーバ", "IntermediateServer"),
    (r"住基ネット|住民基本台帳ネットワーク|市町村cs|コミュニケーションサーバ|都道府県サーバ|全国サーバ|統合端末",
     "JukiNet"),
    (r"情報提供ネットワーク|情報照会ネットワーク|情報提供nws|インタ-?ー?フェ-?ー?イ?スシステム",
     "InformationProvisionNetwork"),
    (r"vrs|ワクチン接種記録", "VRS"),
    (r"宛名|番号連携", "IntegratedAddressee"),
    (r"庁内連携|府内連携|庁内データ連携|連携基盤|情報共有基盤", "InternalLinkage"),
    (r"ガバメントクラウド|ガバクラ", "GovernmentCloud"),
    (r"lg-?wan|総合行政ネットワーク", "LGWAN"),
    (r"コンビニ|証明書交付センタ|キオスク", "CertificateIssuance"),
    (r"個人番号カード管理|カード管理システム", "IndividualNumberCard"),
    (r"住民基本台帳|住基|住記|住民記録", "ResidentRegistry"),
    (r"税|賦課|収納", "Tax"),
]
_SYSTEM_LATE_RULES: list[tuple[str, str]] = [
    (rf"(?:{_BUSINESS_WORDS}).*(?:システム|サーバ)|「.+」", "BusinessSystem"),
]
# Applied after fuzzy matching: any other name of a system is most likely a local business system.
_SYSTEM_FALLBACK = re.compile(r"(?:システム|サーバ)$")
_GENERIC_SYSTEM_NAMES = frozenset(
    normalize_label(n)
    for n in ("既存システム", "業務システム", "既存業務システム", "各業務システム", "本市の業務システム", "当該システム")
)

_ACTOR_RULES: list[tuple[str, str]] = [
    (r"^(?:自部署|自課|自庁|本市|当市|本町|当町|本村|当村)$", "EvaluatingBody"),
    (r"(?:都道府県|知事).*市区?町村|市区?町村.*(?:都道府県|知事)", "LocalGovernment"),
    (r"審議会|審査会|調査会", "Council"),
    (r"地方公共団体情報システム機構|j-?lis", "JLIS"),
    (r"医療機関|医師会|病院|診療所|クリニック|医院", "MedicalInstitution"),
    (r"株式会社|有限会社|合同会社|\(株\)|\(有\)|事業者|業者$|委託先|受託者|財団法人|社団法人", "Contractor"),
    (r"地方公共団体|地方独立行政法人|自治体|広域連合|一部事務組合", "LocalGovernment"),
    (r"(?<!政)(?<!内閣)(?:都|道|府|県)(?:知事|庁)?$|知事$|都道府県", "PrefecturalGovernor"),
    (r"市区?町村|(?:市|区|町|村)長$", "MunicipalityHead"),
    (r"大臣$|省$|庁$|内閣|政府|国の機関|行政機関|独立行政法人|委員会$|機構$", "NationalAgency"),
    (r"(?:課|係|室|部|局|担当|部署|所管)$|他部署", "OtherDepartment"),
    (r"本人|住民|市民|保護者|接種者|申請者|届出人|転入者|転出者", "Resident"),
]

_METHOD_RULES: list[tuple[str, str]] = [
    (r"^その他", "Other"),
    (r"^(?!.*除く).*(?:フラッシュ|usb)", "FlashMemory"),
    (r"記録媒体|電子媒体|cd|dvd|光ディスク|磁気", "ElectronicMedia"),
    (r"メール", "Email"),
    (r"専用線|専用回線", "LeasedLine"),
    (r"庁内連携|府内連携|庁内システム", "InternalLinkageSystem"),
    (r"情報提供ネットワーク|情報提供nws", "InformationProvisionNetwork"),
    (r"紙|書面|郵送|窓口", "Paper"),
]


# --------------------------------------------------------------------------------------------
# Index built once from kinds.ttl
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Concept:
    iri: str
    key: str
    label: str


@dataclass(frozen=True)
class _Index:
    scheme: str
    concepts: dict[str, _Concept]  # key -> concept
    exact: dict[str, str]  # normalised label -> key
    fuzzy: tuple[tuple[str, str], ...]  # (normalised label, key) long enough for fuzzy matching
    rules: tuple[tuple[re.Pattern[str], str], ...]
    late_rules: tuple[tuple[re.Pattern[str], str], ...]
    other: _Concept

    def result(self, key: str, score: float, method: str) -> KindMatch:
        c = self.concepts[key]
        return KindMatch(iri=c.iri, key=c.key, label=c.label, score=round(score, 4), method=method)

    def none(self) -> KindMatch:
        return KindMatch(iri=self.other.iri, key=self.other.key, label=self.other.label, score=0.0,
                         method="none")


@lru_cache(maxsize=1)
def _labels() -> dict[str, list[tuple[str, str, str, list[str]]]]:
    """scheme name -> [(concept iri, key, prefLabel@ja, all labels)], read from kinds.ttl."""
    from rdflib import Graph, URIRef
    from rdflib.namespace import RDF, SKOS

    graph = Graph()
    graph.parse(KINDS_FILE, format="turtle")
    out: dict[str, list[tuple[str, str, str, list[str]]]] = {}
    for scheme_name in ("system", "actor", "method"):
        scheme = URIRef(KINDS_NS + scheme_name)
        rows = []
        for concept in sorted(graph.subjects(SKOS.inScheme, scheme)):
            if (concept, RDF.type, SKOS.Concept) not in graph:
                continue
            iri = str(concept)
            key = iri.rsplit("/", 1)[-1]
            pref_ja = next((str(o) for o in graph.objects(concept, SKOS.prefLabel)
                            if getattr(o, "language", None) == "ja"), key)
            labels = [str(o) for o in graph.objects(concept, SKOS.prefLabel)]
            labels += sorted(str(o) for o in graph.objects(concept, SKOS.altLabel))
            rows.append((iri, key, pref_ja, labels))
        out[scheme_name] = rows
    return out


_RULES = {"system": _SYSTEM_RULES, "actor": _ACTOR_RULES, "method": _METHOD_RULES}
_LATE_RULES: dict[str, list[tuple[str, str]]] = {"system": _SYSTEM_LATE_RULES}


@lru_cache(maxsize=3)
def _index(scheme_name: str) -> _Index:
    concepts: dict[str, _Concept] = {}
    exact: dict[str, str] = {}
    fuzzy: list[tuple[str, str]] = []
    for iri, key, pref_ja, labels in _labels()[scheme_name]:
        concepts[key] = _Concept(iri, key, pref_ja)
        for label in labels:
            norm = normalize_label(label)
            if not norm:
                continue
            exact.setdefault(norm, key)
            if len(norm) >= _MIN_FUZZY_LEN and (norm, key) not in fuzzy:
                fuzzy.append((norm, key))
    other_key = OTHER_KEYS[scheme_name]
    if other_key not in concepts:
        raise RuntimeError(f"{KINDS_FILE}: scheme {scheme_name!r} has no {other_key!r} concept")
    rules = tuple((re.compile(pattern), key) for pattern, key in _RULES[scheme_name])
    late = tuple((re.compile(pattern), key) for pattern, key in _LATE_RULES.get(scheme_name, []))
    missing = {key for _, key in rules + late} - concepts.keys()
    if missing:
        raise RuntimeError(f"{KINDS_FILE}: rule targets without a concept: {sorted(missing)}")
    return _Index(scheme_name, concepts, exact, tuple(fuzzy), rules, late, concepts[other_key])


def _exact(index: _Index, variants: list[str]) -> KindMatch | None:
    for variant in variants:
        key = index.exact.get(variant)
        if key is not None:
            return index.result(key, 1.0, "exact")
    return None


def _rule(index: _Index, variants: list[str], late: bool = False) -> KindMatch | None:
    for variant in variants[:2]:  # the full key and the key without notes
        for pattern, key in index.late_rules if late else index.rules:
            if pattern.search(variant):
                return index.result(key, 0.9, "rule")
    return None


def _fuzzy(index: _Index, variants: list[str]) -> KindMatch | None:
    best: tuple[float, str] | None = None
    matcher = SequenceMatcher(autojunk=False)
    for variant in variants[:2]:
        if len(variant) < _MIN_FUZZY_LEN:
            continue
        matcher.set_seq2(variant)  # SequenceMatcher caches details about seq2
        for label, key in index.fuzzy:
            matcher.set_seq1(label)
            floor = best[0] if best else FUZZY_THRESHOLD
            if matcher.real_quick_ratio() < floor or matcher.quick_ratio() < floor:
                continue
            ratio = matcher.ratio()
            if ratio >= FUZZY_THRESHOLD and (best is None or ratio > best[0]):
                best = (ratio, key)
    return index.result(best[1], best[0], "fuzzy") if best else None


def _match(scheme_name: str, name: str | None) -> KindMatch:
    index = _index(scheme_name)
    key = normalize_label(name or "")
    if not key:
        return index.none()
    variants = _variants(key)
    return (_exact(index, variants) or _rule(index, variants) or _fuzzy(index, variants)
            or _rule(index, variants, late=True) or index.none())


# --------------------------------------------------------------------------------------------
# Public matchers
# --------------------------------------------------------------------------------------------


@lru_cache(maxsize=65536)
def match_system(name: str, affair: str | None = None) -> KindMatch:
    """Canonical system kind of a printed system name.

    ``affair`` (the 事務の名称) resolves generic names such as 「既存システム」: in a 住民基本台帳 affair
    it is the resident registry, in a tax affair the tax system, otherwise a business system.
    """
    index = _index("system")
    key = normalize_label(name or "")
    if key in _GENERIC_SYSTEM_NAMES and affair:
        affair_key = normalize_label(affair)
        if "住民基本台帳" in affair_key:
            return index.result("ResidentRegistry", 0.9, "rule")
        if "税" in affair_key:
            return index.result("Tax", 0.9, "rule")
    found = _match("system", name)
    if found.matched:
        return found
    if _SYSTEM_FALLBACK.search(_strip_parens(key)) and len(key) > len("システム"):
        return index.result("BusinessSystem", 0.5, "rule")
    return found


@lru_cache(maxsize=65536)
def match_actor(name: str) -> KindMatch:
    """Canonical actor kind of a printed party name (入手元, 提供先, 移転先, 委託先 …)."""
    return _match("actor", name)


@lru_cache(maxsize=4096)
def match_method(label: str) -> KindMatch:
    """Canonical method of a checkbox label (紙, 電子メール, 専用線 …).

    Text that names a system (as written inside その他（…）, e.g. 住民基本台帳ネットワークシステム)
    maps to the ``Other`` method.
    """
    found = _match("method", label)
    if found.matched:
        return found
    if match_system(label).matched:
        return _index("method").result(OTHER_KEYS["method"], 0.9, "rule")
    return found


_PRIORITY = {"exact": 3.0, "rule": 2.0, "fuzzy": 1.0, "none": 0.0}


def _priority(match: KindMatch) -> float:
    if match.method == "rule" and match.score < 0.6:  # the weak "ends in システム" fallback
        return 0.5
    return _PRIORITY[match.method]


@lru_cache(maxsize=65536)
def match_any(name: str) -> KindMatch:
    """System kind or actor kind, whichever matches better (a system wins ties)."""
    system = match_system(name)
    if system.method == "exact":
        return system
    actor = match_actor(name)
    return system if _priority(system) >= _priority(actor) else actor


def kind_label(iri: str, lang: str = "ja") -> str | None:
    """prefLabel of a kind concept in ``lang`` ('ja' or 'en'), or None for an unknown IRI."""
    return _pref_labels().get((iri, lang))


@lru_cache(maxsize=1)
def _pref_labels() -> dict[tuple[str, str], str]:
    from rdflib import Graph
    from rdflib.namespace import SKOS

    graph = Graph()
    graph.parse(KINDS_FILE, format="turtle")
    out: dict[tuple[str, str], str] = {}
    for concept, label in graph.subject_objects(SKOS.prefLabel):
        lang = getattr(label, "language", None) or ""
        out[(str(concept), lang)] = str(label)
    return out
