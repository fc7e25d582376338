// The report's replay viewer: the episode browser (index.html) and one episode's replay (episode.html).
// Plain JavaScript without libraries, so the pages work opened straight from disk (file://): data comes from
// scripts (episodes.js, data/<id[:2]>/<id>.js) because browsers do not let file:// pages fetch() files.
// Positions are drawn here, from each step's state text, by boards.js. Text from the results goes into the page as
// text nodes only; the one HTML inserted is the board's SVG, which boards.js builds with every text escaped.
"use strict";

(function () {
  const PAGE_SIZE = 100;
  const OUTCOMES = ["win", "draw", "loss", "forfeit", "error"];
  const NOT_PLAYED = ["error", "skipped"];
  const SAFE_ID = /^[A-Za-z0-9_-]+$/;
  const params = new URLSearchParams(window.location.search);

  function el(tag, attributes, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "className") node.className = value;
      else node.setAttribute(name, value === true ? "" : String(value));
    }
    for (const child of children.flat()) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function query(values) {
    const search = new URLSearchParams();
    for (const [name, value] of Object.entries(values)) if (value) search.set(name, value);
    const text = search.toString();
    return text ? "?" + text : "";
  }

  function replaceQuery(values) {
    try {
      window.history.replaceState(null, "", window.location.pathname + query(values));
    } catch (e) {
      // Some browsers refuse history changes on file:// pages; the page works the same without them.
    }
  }

  function number(value, digits) {
    return value === null || value === undefined ? "" : Number(value).toFixed(digits);
  }

  function resultText(players, outcomes, forfeits, status) {
    if (NOT_PLAYED.includes(status)) return status === "error" ? "errored" : "skipped";
    const winners = players.filter((_, seat) => outcomes[seat] === "win");
    const forfeited = players.filter((_, seat) => forfeits[seat]);
    if (forfeited.length) return forfeited.join(", ") + " forfeited" + (winners.length ? "; " + winners.join(", ") + " won" : "");
    if (winners.length) return winners.join(", ") + " won";
    if (outcomes.length && outcomes.every((o) => o === "draw")) return "draw";
    return outcomes.filter(Boolean).length ? outcomes.join(" / ") : "no result";
  }

  // ---------------------------------------------------------------- the episode browser (index.html)

  function seatsMatching(e, filter) {
    const seats = [];
    e.players.forEach((name, seat) => {
      if (filter.player && name !== filter.player) return;
      if (filter.opponent && !e.players.some((other, j) => j !== seat && other === filter.opponent)) return;
      seats.push(seat);
    });
    return seats;
  }

  function matches(e, filter) {
    if (filter.game && e.game !== filter.game) return false;
    const seats = seatsMatching(e, filter);
    if (!seats.length) return false;
    if (filter.illegal && !seats.some((s) => e.illegal[s] > 0)) return false;
    switch (filter.outcome) {
      case "": return true;
      case "error": return NOT_PLAYED.includes(e.status);
      case "forfeit": return seats.some((s) => e.forfeit[s]);
      default: return seats.some((s) => e.outcomes[s] === filter.outcome);
    }
  }

  function fillSelect(select, anyLabel, values, chosen) {
    const options = [...values];
    if (chosen && !options.includes(chosen)) options.push(chosen); // a filter from the address is kept, even if empty
    select.replaceChildren(el("option", { value: "" }, anyLabel), ...options.map((v) => el("option", { value: v }, v)));
    select.value = chosen || "";
  }

  function episodeRow(e, filter) {
    const seats = seatsMatching(e, filter);
    const mine = filter.player && seats.length === 1 ? seats[0] : null;
    const result = resultText(e.players, e.outcomes, e.forfeit, e.status);
    const relative = mine === null ? null
      : (NOT_PLAYED.includes(e.status) ? null : (e.forfeit[mine] ? "forfeit" : e.outcomes[mine]));
    const players = e.players.map((name, seat) => el("span", { className: "player" + (e.forfeit[seat] ? " forfeited" : "") }, name));
    const joined = [];
    players.forEach((p, i) => { if (i) joined.push(" vs "); joined.push(p); });
    const illegal = e.illegal.some((n) => n > 0) ? e.illegal.join(" / ") : "0";
    return el("tr", {},
      el("td", {}, el("a", { href: "episode.html" + query({ id: e.id }) }, e.id.slice(0, 8))),
      el("td", {}, e.game),
      el("td", {}, joined),
      el("td", {}, relative ? el("span", { className: "badge " + relative }, filter.player + ": " + relative) : null,
        relative ? " " : null, result),
      el("td", { title: e.reason || null }, e.status + (e.reason ? ": " + e.reason : "")),
      el("td", { className: "num" }, e.moves),
      el("td", { className: "num" + (illegal !== "0" ? " warn" : "") }, illegal),
      el("td", {}, (e.started || "").replace("T", " ").slice(0, 19)));
  }

  function indexPage() {
    const episodes = window.ARENA_EPISODES || [];
    const about = window.ARENA_REPLAYS || { episodes: episodes.length, replays: episodes.length };
    const form = document.getElementById("filters");
    const body = document.querySelector("#episodes tbody");
    const more = document.getElementById("more");
    const count = document.getElementById("count");
    document.getElementById("title").textContent = "Episodes" + (about.tournament ? ": " + about.tournament : "");
    document.title = "Episodes" + (about.tournament ? ": " + about.tournament : "");
    document.getElementById("coverage").textContent = about.replays < about.episodes
      ? `Replays of ${about.replays} of ${about.episodes} episodes (at most ${about.limit}): every episode with a ` +
        "forfeit, an error or an illegal attempt first, the rest spread evenly over games and pairings."
      : `Replays of all ${about.episodes} episodes.`;

    const games = [...new Set(episodes.map((e) => e.game))].sort();
    const names = [...new Set(episodes.flatMap((e) => e.players))].sort();
    const outcome = OUTCOMES.includes(params.get("outcome")) ? params.get("outcome") : "";
    fillSelect(form.elements.game, "all games", games, params.get("game"));
    fillSelect(form.elements.player, "anyone", names, params.get("player"));
    fillSelect(form.elements.opponent, "anyone", names, params.get("opponent"));
    fillSelect(form.elements.outcome, "any outcome", OUTCOMES, outcome);
    form.elements.illegal.checked = params.get("illegal") === "1";

    let found = [];
    let shown = 0;
    let filter = null;

    function showMore() {
      const next = found.slice(shown, shown + PAGE_SIZE);
      const rows = document.createDocumentFragment();
      for (const e of next) rows.append(episodeRow(e, filter));
      body.append(rows);
      shown += next.length;
      more.hidden = shown >= found.length;
      more.textContent = `Show ${Math.min(PAGE_SIZE, found.length - shown)} more`;
      count.textContent = `${found.length} of ${episodes.length} episodes` +
        (found.length > shown ? ` (showing the first ${shown})` : "");
    }

    function apply() {
      filter = {
        game: form.elements.game.value, player: form.elements.player.value,
        opponent: form.elements.opponent.value, outcome: form.elements.outcome.value,
        illegal: form.elements.illegal.checked,
      };
      found = episodes.filter((e) => matches(e, filter));
      shown = 0;
      body.replaceChildren();
      showMore();
      replaceQuery({ ...filter, illegal: filter.illegal ? "1" : "" });
    }

    form.addEventListener("change", apply);
    form.addEventListener("submit", (event) => event.preventDefault());
    form.addEventListener("reset", () => window.setTimeout(apply, 0)); // after the browser has cleared the fields
    more.addEventListener("click", showMore);
    apply();
  }

  // ---------------------------------------------------------------- one episode (episode.html)

  function chosenLabel(decision) {
    const legal = decision.attempts.filter((a) => a.legal);
    if (!legal.length) return "no legal move";
    const a = legal[legal.length - 1];
    return (a.action_label || a.spiel_action || "?") + (a.fallback ? ` (${a.fallback})` : "");
  }

  function illegalCount(step) {
    return step.decisions.reduce((n, d) => n + d.attempts.filter((a) => !a.legal).length, 0);
  }

  function messagesView(prompt, texts) {
    return prompt.map((m) => el("div", { className: "message-part" },
      el("div", { className: "role" }, m.role || "prompt"),
      el("pre", { className: "text" }, texts[m.text])));
  }

  function attemptView(a, count, texts) {
    const verdict = a.fallback ? `${a.fallback} fallback` : (a.legal ? "legal" : "illegal");
    const facts = [];
    const fact = (name, ...value) => facts.push(el("dt", {}, name), el("dd", {}, ...value));
    if (a.action_label || a.spiel_action) {
      fact("Move", a.action_label || "", a.spiel_action && a.spiel_action !== a.action_label ? ` (OpenSpiel: ${a.spiel_action})` : "");
    }
    if (a.parser_path) fact("Parser rule", el("code", {}, a.parser_path));
    if (a.error) fact("Error told to the model", el("span", { className: "error" }, a.error));
    if (a.error_class) fact("Error class", a.error_class);
    if (a.prompt_tokens || a.completion_tokens) fact("Tokens", `${a.prompt_tokens || 0} in, ${a.completion_tokens || 0} out`);
    if (a.latency_s) fact("Latency", number(a.latency_s, 2) + " s");
    if (a.cost_usd) fact("Cost", "$" + number(a.cost_usd, 5));
    const box = el("article", { className: "attempt " + (a.legal ? "legal" : "illegal") },
      el("h4", {}, count > 1 ? `Attempt ${a.attempt}: ${verdict}` : verdict[0].toUpperCase() + verdict.slice(1)));
    if (a.raw_response !== undefined) box.append(el("div", { className: "label" }, "Answer"), el("pre", { className: "text answer" }, a.raw_response));
    if (a.reasoning) box.append(el("div", { className: "label" }, "Reasoning"), el("pre", { className: "text" }, a.reasoning));
    if (facts.length) box.append(el("dl", {}, facts));
    if (a.prompt !== undefined) {
      const parts = a.prompt.length;
      const details = el("details", { className: "prompt" }, el("summary", {}, `Prompt (${parts} message${parts === 1 ? "" : "s"})`));
      details.addEventListener("toggle", () => { // built when first opened: prompts are long
        if (details.open && details.children.length === 1) details.append(...messagesView(a.prompt, texts));
      });
      box.append(details);
    } else if (a.raw_response === undefined) {
      box.append(el("p", { className: "note" }, "A scripted player: no prompt, no answer."));
    }
    return box;
  }

  function episodePage() {
    const id = params.get("id") || "";
    const message = document.getElementById("message");
    const fail = (text) => {
      message.hidden = false;
      message.replaceChildren(text, " ", el("a", { href: "index.html" }, "Browse the episodes that have one."));
      document.title = "No replay";
    };
    if (!SAFE_ID.test(id)) {
      fail(id ? `"${id}" is not an episode id.` : "No episode given (episode.html?id=EPISODE_ID).");
      return;
    }
    window.arenaReplay = (data) => showReplay(data);
    const script = el("script", { src: `data/${id.slice(0, 2)}/${id}.js`, charset: "utf-8" });
    script.addEventListener("error", () => fail(`This report has no replay of episode ${id}. ` +
      "Replays are written for a limited number of episodes (arena report --replays)."));
    document.body.append(script);
  }

  function showReplay(data) {
    const steps = data.steps;
    const players = data.players;
    const seats = data.seats.length ? data.seats : players.map((player, seat) => ({ seat, player }));
    // Seats are named in the move list unless two seats strictly take turns (poker, simultaneous games, 3+ seats).
    const deciding = steps.filter((s) => s.decisions.length);
    const alternating = seats.length === 2 && deciding.every((s, i) =>
      s.decisions.length === 1 && (i === 0 || s.decisions[0].seat !== deciding[i - 1].decisions[0].seat));
    const title = `${data.game_key}: ${players.join(" vs ")}`;
    document.title = `Replay: ${title}`;
    document.getElementById("title").textContent = title;
    const result = data.result;
    const back = document.getElementById("back");
    back.href = "index.html" + query({ game: data.game_key, player: players[0], opponent: players[1] });
    back.textContent = `Episodes of ${data.game_key}: ${players.slice(0, 2).join(" vs ")}`;
    document.getElementById("summary").replaceChildren(
      el("p", {}, el("strong", {}, resultText(players, seats.map((s) => s.outcome), seats.map((s) => s.forfeit), result.status)),
        ` · status ${result.status}` + (result.reason ? ` (${result.reason})` : "") +
        ` · ${result.num_moves} moves` + (result.returns ? ` · returns ${result.returns.join(", ")}` : "") +
        (result.started_at ? ` · started ${result.started_at.replace("T", " ").slice(0, 19)} UTC` : "")),
      el("table", { className: "seats" },
        el("thead", {}, el("tr", {}, ["Seat", "Player", "Type", "Outcome", "Return", "Decisions", "Illegal attempts", "Forfeit", "Tokens in / out", "Cost $", "Latency s"].map((h) => el("th", {}, h)))),
        el("tbody", {}, seats.map((s) => el("tr", {},
          el("td", {}, s.seat), el("td", {}, s.player), el("td", {}, s.player_type || ""), el("td", {}, s.outcome || "—"),
          el("td", { className: "num" }, s.return ?? ""), el("td", { className: "num" }, s.decisions ?? ""),
          el("td", { className: "num" + (s.illegal_attempts ? " warn" : "") }, s.illegal_attempts ?? ""),
          el("td", {}, s.forfeit ? "yes" : ""),
          el("td", { className: "num" }, s.prompt_tokens || s.completion_tokens ? `${s.prompt_tokens} / ${s.completion_tokens}` : ""),
          el("td", { className: "num" }, s.cost_usd ? number(s.cost_usd, 4) : ""),
          el("td", { className: "num" }, s.latency_s ? number(s.latency_s, 2) : ""))))));

    const list = document.getElementById("moves");
    const items = steps.map((step, i) => {
      const link = el("a", { href: "#", "data-step": i });
      if (!step.decisions.length) {
        link.append("end: " + (result.status === "ok" ? "final position" : result.status));
      } else {
        link.append(el("span", { className: "mn" }, `${step.move + 1}.`), " ");
        step.decisions.forEach((d, k) => {
          if (k) link.append(" · ");
          if (!alternating) {
            link.append(el("span", { className: "seat-tag" }, `s${d.seat}`), " ");
          }
          link.append(chosenLabel(d));
        });
        const bad = illegalCount(step);
        if (bad) link.append(" ", el("span", { className: "warn", title: `${bad} illegal attempt${bad > 1 ? "s" : ""}` }, `✗${bad}`));
      }
      return el("li", {}, link);
    });
    list.replaceChildren(...items);
    list.addEventListener("click", (event) => {
      const link = event.target.closest("a[data-step]");
      if (!link) return;
      event.preventDefault();
      go(Number(link.dataset.step));
    });

    // The position drawn from its state text (null: a game boards.js does not draw; the text is shown instead).
    // The earlier states name a finished matrix game's actions, which its own text no longer does.
    function drawn(index) {
      const step = steps[index];
      if (!window.ArenaBoards || typeof step.state !== "string") return null;
      const earlier = steps.slice(0, index).map((s) => s.state).filter((s) => typeof s === "string");
      return window.ArenaBoards.draw(data.game, step.state, step.last_move, earlier);
    }

    let current = 0;
    function go(index) {
      current = Math.max(0, Math.min(steps.length - 1, index));
      const step = steps[current];
      const board = document.getElementById("board");
      const drawing = drawn(current);
      if (drawing) board.innerHTML = drawing;
      else if (step.state !== null && step.state !== undefined) board.replaceChildren(el("pre", { className: "state" }, step.state));
      else board.replaceChildren(el("p", { className: "note" }, "The final position was not recorded (the episode did not finish)."));
      document.getElementById("state").textContent = step.state || "";
      document.getElementById("state-box").hidden = typeof step.state !== "string";
      document.getElementById("where").textContent = `Step ${current + 1} of ${steps.length}` +
        (step.last_move ? ` · last move ${step.last_move}` : "");
      document.getElementById("first").disabled = document.getElementById("prev").disabled = current === 0;
      document.getElementById("last").disabled = document.getElementById("next").disabled = current === steps.length - 1;
      const heading = document.getElementById("step-title");
      const panel = document.getElementById("decision");
      if (!step.decisions.length) {
        heading.textContent = "Final position";
        panel.replaceChildren(el("p", {}, resultText(players, seats.map((s) => s.outcome), seats.map((s) => s.forfeit), result.status) +
          (result.reason ? ` (${result.reason})` : "") + "."));
      } else {
        const who = step.decisions.map((d) => `seat ${d.seat} (${d.player})`).join(" and ");
        heading.textContent = `Move ${step.move + 1}: ${who} ${step.decisions.length > 1 ? "decide together" : "to move"}`;
        panel.replaceChildren(...step.decisions.map((d) => el("section", { className: "decision" },
          el("h3", {}, `Seat ${d.seat}: ${d.player}`, el("span", { className: "chosen" }, ` → ${chosenLabel(d)}`)),
          d.attempts.map((a) => attemptView(a, d.attempts.length, data.texts)))));
      }
      for (const [i, item] of items.entries()) item.classList.toggle("current", i === current);
      const item = items[current]; // kept in view inside the list, without scrolling the page
      if (item.offsetTop < list.scrollTop || item.offsetTop + item.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = item.offsetTop - list.clientHeight / 2;
      }
      replaceQuery({ id: data.id, move: current ? String(step.move) : "" });
    }

    document.getElementById("first").addEventListener("click", () => go(0));
    document.getElementById("prev").addEventListener("click", () => go(current - 1));
    document.getElementById("next").addEventListener("click", () => go(current + 1));
    document.getElementById("last").addEventListener("click", () => go(steps.length - 1));
    document.addEventListener("keydown", (event) => {
      if (event.altKey || event.ctrlKey || event.metaKey || event.shiftKey) return;
      if (event.target.closest && event.target.closest("input, select, textarea, [contenteditable]")) return;
      const to = { ArrowLeft: current - 1, ArrowRight: current + 1, Home: 0, End: steps.length - 1 }[event.key];
      if (to === undefined) return;
      event.preventDefault();
      go(to);
    });

    document.getElementById("replay").hidden = false;
    const asked = params.get("move");
    let start = 0;
    if (asked !== null && asked !== "" && !Number.isNaN(Number(asked))) {
      steps.forEach((s, i) => { if (s.move <= Number(asked)) start = i; });
    }
    go(start);
  }

  if (document.body.dataset.page === "index") indexPage();
  else if (document.body.dataset.page === "episode") episodePage();
})();
