"""``brief review``: read a passage, accept or correct its tags, move on.

The tags offered are the file's, or, where a model learned from the corpus's reviews says
otherwise, that model's (the difference from the file marked). Staged changes (kind, sectors,
actors) apply to the passage on screen; they are written, with
``reviewed: true``, when the passage is accepted. Skip moves on without writing; undo writes the
previous tags of the last decision back. Corpus text is shown literally (never as markup).
"""

from __future__ import annotations

from rapidfuzz import fuzz
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from brief_cli.errors import BriefError
from brief_cli.passage_edit import Tagging
from brief_cli.render.common import literal
from brief_cli.review import ReviewSession, rank_by_uncertainty

def _key_bar() -> Text:
    bar = Text(no_wrap=True, overflow="ellipsis")
    for key, what in (("⏎", "accept"), ("c/o/x", "kind"), ("s", "sector"), ("a", "actor"),
                      ("n", "skip"), ("b", "back"), ("u", "undo"), ("/", "find"), ("?", "help"),
                      ("q", "quit")):
        bar.append(key, style="bold reverse")
        bar.append(f" {what} ")
    return bar


KEY_BAR = _key_bar()

SYNC_RANK = 150  # queues up to this long are ordered before showing; longer ones meanwhile
KIND_STYLE = {"challenge": "bold red", "opportunity": "bold green", "context": "bold"}

HELP = """\
[b]Decide[/b]
  enter, space   accept the tags shown (saved, reviewed) and go on
  c  o  x        kind: challenge, opportunity, context
  s              sectors: type to filter, enter toggles, esc closes
  a              actors: the same
[b]Move[/b]
  n, →, j        skip: next passage, nothing saved
  b, ←, k        back to the previous passage
  u              undo the last change or the last decision
  /              find the next passage with these words
[b]Other[/b]
  ?              this help
  q              quit (every decision is already saved)
"""


class Picker(ModalScreen):
    """Choose sectors or actors: fuzzy type-ahead over ids and names; enter toggles."""

    BINDINGS = [Binding("escape", "close", "done"), Binding("down", "down", show=False),
                Binding("up", "up", show=False)]
    DEFAULT_CSS = """
    Picker { align: center middle; }
    #box { width: 70; max-width: 95%; height: 80%; border: round $accent; padding: 0 1;
           background: $surface; }
    #choices { height: 1fr; }
    """

    def __init__(self, title: str, choices: list[tuple[str, str]], chosen: list[str]):
        super().__init__()
        self.title_text = title
        self.choices = choices  # (id, label)
        self.chosen = list(chosen)

    def compose(self) -> ComposeResult:
        from textual.containers import Vertical

        with Vertical(id="box"):
            yield Static(Text(self.title_text + "  (enter: add/remove, esc: done)", style="bold"))
            yield Input(placeholder="type to filter", id="filter")
            yield OptionList(id="choices")

    def on_mount(self) -> None:
        self.refill("")
        self.query_one(Input).focus()

    def refill(self, typed: str) -> None:
        from textual.css.query import NoMatches

        try:
            options = self.query_one(OptionList)
        except NoMatches:  # typing raced the screen being built or closed
            return
        options.clear_options()
        if typed.strip():
            ids = fuzzy_rank(typed, self.choices)
        else:
            ids = [cid for cid in self.chosen] + [cid for cid, _ in self.choices
                                                  if cid not in self.chosen]
        names = dict(self.choices)
        for cid in ids:
            mark = "[x] " if cid in self.chosen else "[ ] "
            options.add_option(Option(Text(mark + literal(names.get(cid, cid)) + f"  ({cid})"),
                                      id=cid))
        if ids:
            options.highlighted = 0

    def on_input_changed(self, event: Input.Changed) -> None:
        self.refill(event.value)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        options = self.query_one(OptionList)
        if options.highlighted is None or options.option_count == 0:
            return
        cid = options.get_option_at_index(options.highlighted).id
        if cid in self.chosen:
            self.chosen.remove(cid)
        else:
            self.chosen.append(cid)
        keep = options.highlighted
        self.refill(event.value)
        options.highlighted = min(keep, max(options.option_count - 1, 0))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        self.on_input_submitted(Input.Submitted(self.query_one(Input),
                                                self.query_one(Input).value))

    def action_down(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_up(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(self.chosen)


class Ask(ModalScreen):
    """One line of input (search words)."""

    BINDINGS = [Binding("escape", "cancel", "cancel")]
    DEFAULT_CSS = """
    Ask { align: center middle; }
    #ask { width: 60; max-width: 95%; border: round $accent; }
    """

    def __init__(self, prompt: str):
        super().__init__()
        self.prompt = prompt

    def compose(self) -> ComposeResult:
        yield Input(placeholder=self.prompt, id="ask")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class Help(ModalScreen):
    BINDINGS = [Binding("escape,q,question_mark", "close", "close")]
    DEFAULT_CSS = """
    Help { align: center middle; }
    #help { width: 76; max-width: 98%; height: auto; border: round $accent; padding: 0 1;
            background: $surface; }
    """

    def compose(self) -> ComposeResult:
        yield Static(Text.from_markup(HELP), id="help")

    def action_close(self) -> None:
        self.dismiss(None)


class ReviewApp(App):
    """The review screen."""

    TITLE = "brief review"
    CSS = """
    Screen { layout: vertical; }
    #meta { height: auto; max-height: 3; padding: 0 1; background: $panel; }
    #passage { height: 1fr; padding: 0 1; }
    #tags { height: auto; padding: 0 1; border-top: solid $panel-lighten-2; }
    #evidence { height: auto; max-height: 6; padding: 0 1; color: $text-muted; }
    #progress { height: 1; padding: 0 1; background: $panel; }
    #keys { height: 1; }
    #text { border-left: thick $accent; padding: 0 1; margin: 1 0; }
    #before, #after { color: $text-muted; }
    """
    ENABLE_COMMAND_PALETTE = False
    BINDINGS = [
        Binding("enter,space", "accept", "accept"),
        Binding("c", "kind('challenge')", "challenge"),
        Binding("o", "kind('opportunity')", "opportunity"),
        Binding("x", "kind('context')", "context"),
        Binding("s", "sectors", "sectors"),
        Binding("a", "actors", "actors"),
        Binding("n,right,j", "skip", "skip"),
        Binding("b,left,k", "back", "back"),
        Binding("u", "undo", "undo"),
        Binding("slash", "search", "find", show=False),
        Binding("question_mark", "help", "help"),
        Binding("q", "quit", "quit"),
    ]

    def __init__(self, session: ReviewSession, *, order: str = "uncertain"):
        super().__init__()
        self.session = session
        self.order = order
        self.staged: Tagging | None = None  # changes to the passage on screen, not yet written
        self.staged_steps: list[Tagging] = []
        self.message = ""
        self.ordering = ""

    def compose(self) -> ComposeResult:
        yield Static(id="meta")
        with VerticalScroll(id="passage"):
            yield Static(id="before")
            yield Static(id="text")
            yield Static(id="after")
        yield Static(id="tags")
        yield Static(id="evidence")
        yield Static(id="progress")
        yield Static(KEY_BAR, id="keys")

    def on_mount(self) -> None:
        if self.order == "uncertain" and 1 < len(self.session) <= SYNC_RANK:
            # a small queue is ordered before the first passage shows (a fraction of a second)
            self.session.position = -1
            self.session.order_rest(rank_by_uncertainty(self.session, self.session.items))
            self.session.jump(0)
        elif self.order == "uncertain" and len(self.session) > 1:
            # after the first frame: the ordering thread would otherwise share the interpreter
            # with drawing the first passage
            self.call_after_refresh(self.rank)
        self.show()

    # ordering in the background: the first passage shows at once ----------------------------
    @work(thread=True, exclusive=True, group="rank")
    def rank(self) -> None:
        from textual.worker import get_current_worker

        worker = get_current_worker()
        rowids = list(self.session.items[self.session.position + 1:])

        def progress(done, total):
            if total > 200:
                self.call_from_thread(self._ordering, f"ordering by uncertainty {done}/{total}")

        scores = rank_by_uncertainty(self.session, rowids, stop=lambda: worker.is_cancelled,
                                     progress=progress)
        if not worker.is_cancelled:
            self.call_from_thread(self._ranked, scores)

    def _ordering(self, text: str) -> None:
        self.ordering = text
        self.show_progress()

    def _ranked(self, scores) -> None:
        self.session.order_rest(scores)
        self.ordering = ""
        self.show_progress()

    # drawing ---------------------------------------------------------------------------------
    def current_tags(self) -> Tagging | None:
        hit = self.session.current
        if hit is None:
            return None
        return self.staged or self.session.suggested(hit)

    def show(self) -> None:
        hit = self.session.current
        if hit is None:
            return
        meta = Text()
        meta.append(literal(hit.title) or hit.article_id, style="bold")
        meta.append("\n")
        meta.append(literal(hit.source), style="italic")
        meta.append(f" · {hit.published.isoformat()} · ")
        meta.append(literal(hit.uid), style="dim")
        self.query_one("#meta", Static).update(meta)
        before, after = self.session.neighbours(hit)
        self.query_one("#before", Static).update(
            Text(literal(_clip(before.text, 240)) if before else "", style="dim"))
        self.query_one("#text", Static).update(Text(literal(hit.text)))
        self.query_one("#after", Static).update(
            Text(literal(_clip(after.text, 240)) if after else "", style="dim"))
        self.query_one("#passage", VerticalScroll).scroll_home(animate=False)
        self.show_tags()
        self.show_evidence()
        self.show_progress()

    def show_tags(self) -> None:
        hit = self.session.current
        shown = self.current_tags()
        saved = self.session.tagging(hit)
        suggested = self.session.suggestion(hit)
        line = Text()
        line.append("kind ")
        line.append(shown.kind, style=KIND_STYLE.get(shown.kind, ""))
        if shown.kind != saved.kind:  # the marks and "was" say how it differs from the file
            line.append(f" (was {saved.kind})", style="dim")
        line.append("   sectors ")
        _diff(line, saved.sectors, shown.sectors)
        line.append("\nactors ")
        _diff(line, saved.actors, shown.actors)
        line.append("   ")
        if saved.reviewed:
            line.append("reviewed", style="green")
        elif suggested is not None:
            line.append(f"suggested: tagger + {self.session.learned_from} reviews", style="cyan")
        else:
            line.append("machine tags", style="yellow")
        if self.staged is not None:
            line.append("  · changed: enter saves", style="bold yellow")
        self.query_one("#tags", Static).update(line)

    def show_evidence(self) -> None:
        hit = self.session.current
        widget = self.query_one("#evidence", Static)
        if hit.uid in self.session._explained:
            widget.update(evidence_text(self.session._explained[hit.uid]))
            return
        # the first explanation loads the taxonomy and the tagger: not before the passage shows
        widget.update(Text("why: working it out…", style="dim"))
        self.explain_later(hit)

    @work(thread=True, exclusive=True, group="explain")
    def explain_later(self, hit) -> None:
        try:
            tags = self.session.explain(hit)
            text = evidence_text(tags)
        except Exception as exc:  # pragma: no cover - evidence is a help, never a blocker
            text = Text(f"no evidence: {exc}", style="dim")
        self.call_from_thread(self._show_explained, hit, text)

    def _show_explained(self, hit, text) -> None:
        if self.session.current is hit:
            self.query_one("#evidence", Static).update(text)
            self.show_tags()  # the learned suggestion, where there is one, replaces the file's

    def show_progress(self) -> None:
        s = self.session
        line = Text()
        line.append(f"{s.position + 1}/{len(s)}", style="bold")
        line.append(f" · reviewed {s.done} of {len(s)}")
        per = s.seconds_per_passage()
        if per is not None:
            line.append(f" · {per:.0f} s/passage")
        if self.ordering:
            line.append(f" · {self.ordering}", style="dim")
        if self.message:
            line.append(" · ")
            line.append(self.message, style="bold yellow")
        self.query_one("#progress", Static).update(line)

    def say(self, message: str) -> None:
        self.message = message
        self.show_progress()

    # staging ---------------------------------------------------------------------------------
    def stage(self, new: Tagging) -> None:
        current = self.current_tags()
        if new == current:
            return
        self.staged_steps.append(current)
        self.staged = new
        self.message = ""
        self.show_tags()
        self.show_progress()

    def action_kind(self, kind: str) -> None:
        t = self.current_tags()
        if t is not None:
            self.stage(Tagging(kind, t.sectors, t.actors, t.reviewed))

    def action_sectors(self) -> None:
        t = self.current_tags()
        if t is None:
            return
        tax = self.session.get_taxonomy()
        choices = [(s.id, s.label) for s in tax.sectors]
        self.push_screen(Picker("Sectors", choices, list(t.sectors)), self._picked_sectors)

    def _picked_sectors(self, chosen) -> None:
        t = self.current_tags()
        if chosen is not None and t is not None:
            self.stage(Tagging(t.kind, tuple(chosen), t.actors, t.reviewed))

    def action_actors(self) -> None:
        t = self.current_tags()
        if t is None:
            return
        tax = self.session.get_taxonomy()
        choices = [(a.id, a.name) for a in tax.actors]
        self.push_screen(Picker("Actors", choices, list(t.actors)), self._picked_actors)

    def _picked_actors(self, chosen) -> None:
        t = self.current_tags()
        if chosen is not None and t is not None:
            self.stage(Tagging(t.kind, t.sectors, tuple(chosen), t.reviewed))

    # moving ----------------------------------------------------------------------------------
    def _leave(self) -> None:
        self.staged = None
        self.staged_steps = []

    def action_accept(self) -> None:
        hit = self.session.current
        if hit is None:
            return
        t = self.current_tags()
        try:
            result = self.session.decide(hit, Tagging(t.kind, t.sectors, t.actors, True))
        except BriefError as exc:
            self.say(str(exc))
            self.bell()
            return
        self._leave()
        self.message = ("saved " + ", ".join(result.changed)) if result.changed else "accepted"
        if not self.session.move(1):
            self.message = "all passages of the queue seen · q quits"
        self.show()

    def action_skip(self) -> None:
        self._leave()
        self.message = "" if self.session.move(1) else "last passage of the queue"
        self.show()

    def action_back(self) -> None:
        self._leave()
        self.message = "" if self.session.move(-1) else "first passage of the queue"
        self.show()

    def action_undo(self) -> None:
        if self.staged is not None:
            self.staged = self.staged_steps.pop() if self.staged_steps else None
            if self.staged == self.session.suggested(self.session.current):
                self._leave()
            self.message = "change undone"
            self.show_tags()
            self.show_progress()
            return
        try:
            last = self.session.undo()
        except BriefError as exc:
            self.say(str(exc))
            return
        self.message = f"undid {last.uid}" if last else "nothing to undo"
        self.show()

    def action_search(self) -> None:
        self.push_screen(Ask("find words in the queue (enter)"), self._found)

    def _found(self, words) -> None:
        if not words:
            return
        found = self.session.find(words)
        if found is None:
            self.say(f"no passage with {words!r}")
            return
        self._leave()
        self.session.jump(found)
        self.message = f"found {words!r}"
        self.show()

    def action_help(self) -> None:
        self.push_screen(Help())


def fuzzy_rank(typed: str, choices: list[tuple[str, str]], limit: int = 30) -> list[str]:
    """Ids best first: an exact id or name, then a prefix of one, then rapidfuzz's WRatio
    (typos, words in another order)."""
    t = typed.strip().casefold()
    scored = []
    for cid, label in choices:
        name = label.casefold()
        if t in (cid, name):
            score = 300.0
        elif cid.startswith(t) or name.startswith(t):
            score = 200.0 - len(cid) / 100
        elif any(w.startswith(t) for w in name.replace("-", " ").split()):
            score = 150.0 - len(cid) / 100
        else:
            score = fuzz.WRatio(t, f"{name} {cid}")
        if score >= 60:
            scored.append((-score, cid))
    return [cid for _, cid in sorted(scored)[:limit]]


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 1].rstrip() + "…"


def _diff(line: Text, saved, shown) -> None:
    items = [(s, "") for s in shown if s in saved] + [(s, "+") for s in shown if s not in saved] \
        + [(s, "-") for s in saved if s not in shown]
    if not items:
        line.append("-", style="dim")
    for i, (value, mark) in enumerate(items):
        if i:
            line.append(", ")
        style = {"+": "bold green", "-": "red strike"}.get(mark, "cyan")
        line.append(mark + literal(value), style=style)


def evidence_text(tags) -> Text:
    """The tagger's reasons, as ``tag --explain`` gives them, in a few lines."""
    out = Text(style="")
    if tags is None:
        return out
    ex = tags.explanation
    out.append("why: ", style="bold")
    out.append(f"{tags.kind}: {literal(ex.kind_rule)}")
    for k in ex.kinds:
        if k.evidence:
            words = ", ".join(dict.fromkeys(literal(e.text) for e in k.evidence))
            out.append(f"\n  {k.kind} {k.score:g}: {words}")
    from brief_cli.learning import LEARNED_REASON

    for s in ex.sectors[:4]:
        words = ", ".join(dict.fromkeys(literal(e.text) for e in s.evidence))
        out.append(f"\n  {'+' if s.tagged else '·'} {s.sector} {s.score:g}: {words}",
                   style="" if s.tagged else "dim")
        if LEARNED_REASON in s.reason:  # the model learned from reviews decided otherwise
            out.append((" — " if words else "") + s.reason, style="cyan")
    return out
