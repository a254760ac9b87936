"""`piagraph show`: an assessment's extracted facts as a readable outline with line references."""

from __future__ import annotations

from collections import defaultdict

from piagraph.store.base import Store
from piagraph.terms import PIA, RDF_TYPE, RDFS_LABEL, iri

SECTIONS = (
    ("System", "システム (Ⅰ2)"),
    ("PersonalInfoFile", "特定個人情報ファイル (Ⅱ)"),
    ("Acquisition", "入手 (Ⅱ3)"),
    ("Entrustment", "委託 (Ⅱ4)"),
    ("Provision", "提供 (Ⅱ5)"),
    ("Transfer", "移転 (Ⅱ5)"),
    ("FlowStep", "事務の内容の流れ (別添1)"),
    ("Risk", "リスク対策 (Ⅲ)"),
    ("Incident", "重大事故"),
    ("Contact", "開示請求・問合せ"),
    ("Change", "変更箇所"),
    ("Warning", "警告 (warnings)"),
)
SKIP = {"evidence", "ownEvidence", "sourceDocument", "documentIndex", "lineStart", "lineEnd", "contentHash",
        "graphFormat", "warning", "warningLine",
        "personalNumberRecipient", "hasFlow", "hasFile", "usesSystem", "hasRisk", "hasIncident", "hasContact", "hasChange", "recordItem"}


def _local(value: str) -> str:
    for prefix in (PIA, "https://w3id.org/piagraph/kinds/"):
        if value.startswith(prefix):
            return value[len(prefix):]
    return value


def graph_triples(store: Store, graph: str) -> list[dict[str, object]]:
    return store.select(f"SELECT ?s ?p ?o WHERE {{ GRAPH {iri(graph)} {{ ?s ?p ?o }} }}").rows


def outline(store: Store, graph: str, subject: str) -> str:
    """Plain-text outline: cover facts, then one section per kind of node, each line with file:line."""
    props: dict[str, dict[str, list[object]]] = defaultdict(lambda: defaultdict(list))
    for row in graph_triples(store, graph):
        props[str(row["s"])][_local(str(row["p"]))].append(row["o"])

    def ref(node: str) -> str:
        refs = []
        for ev in props[node].get("evidence", []):
            e = props[str(ev)]
            if e.get("aboutProperty"):
                continue
            start, end = e.get("lineStart", ["?"])[0], e.get("lineEnd", ["?"])[0]
            refs.append(f"{e.get('sourceFile', ['?'])[0]}:{start}" + (f"-{end}" if end != start else ""))
        if "warningLine" in props[node]:  # a parser warning: its line in the document's own file
            refs.append(f"{props[subject].get('sourceDocument', ['?'])[0]}:{props[node]['warningLine'][0]}")
        return f"  [{', '.join(refs[:3])}]" if refs else ""

    def field_ref(node: str, prop: str) -> str:
        for ev in props[node].get("evidence", []):
            e = props[str(ev)]
            if e.get("aboutProperty") and _local(str(e["aboutProperty"][0])) == prop:
                return f"  [{e['sourceFile'][0]}:{e['lineStart'][0]}]"
        return ""

    def values(node: str, indent: str) -> list[str]:
        lines = []
        for prop, vals in sorted(props[node].items()):
            if prop in SKIP or prop.endswith(RDF_TYPE) or prop == "22-rdf-syntax-ns#type":
                continue
            shown = []
            for v in vals:
                text = str(v)
                if text in props and "name" in props[text]:
                    text = str(props[text]["name"][0])
                elif text.startswith("https://w3id.org/piagraph/law/") and text in props:
                    text = str(props[text].get("citation", props[text].get("rawCitation", [text]))[0])
                shown.append(_local(text))
            label = prop.replace(RDFS_LABEL, "label")
            lines.append(f"{indent}{label}: {'、'.join(dict.fromkeys(shown))}{field_ref(node, prop)}")
        return lines

    out = []
    me = props[subject]
    title = me.get("title", ["(no title)"])[0]
    out.append(f"{title}{ref(subject)}")
    out.append(f"  <{subject}>")
    out += values(subject, "  ")
    by_type: dict[str, list[str]] = defaultdict(list)
    for node, p in props.items():
        for t in p.get(RDF_TYPE, []) + p.get("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", []):
            by_type[_local(str(t))].append(node)
    for cls, heading in SECTIONS:
        nodes = sorted(set(by_type.get(cls, [])), key=lambda n: [int(x) if x.isdigit() else x for x in n.split("/")])
        if not nodes:
            continue
        out.append("")
        out.append(f"{heading} — {len(nodes)}")
        for node in nodes:
            name = (props[node].get("name") or props[node].get("riskName") or props[node].get("changedItem")
                    or props[node].get("message") or [node.rsplit("/", 1)[-1]])[0]
            out.append(f"  ・{name}{ref(node)}")
            out += values(node, "      ")
            if cls == "PersonalInfoFile":
                items = [str(props[str(i)]["name"][0]) for i in props[node].get("recordItem", [])]
                if items:
                    out.append(f"      記録項目 ({len(items)}): {'、'.join(items)}")
    return "\n".join(out)
