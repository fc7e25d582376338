// Game positions drawn in the browser, from the OpenSpiel state text a replay carries for each step.
//
//   ArenaBoards.draw(game, state, lastMove, earlierStates) -> an SVG string, or null when the game has no drawing
//   or the text does not read as one (the viewer then shows the text). It never throws.
//
// `game` is the game's name ("chess", not the game_key), `lastMove` the label of the move that led to `state`
// (UCI such as "e2e4" in chess, "b3" in tic-tac-toe), `earlierStates` optionally the texts of the same episode's
// earlier steps: a finished matrix game's text no longer names the actions, the first state does.
//
// The report's only drawer of positions: replays carry state texts, never pictures, so the report is written fast
// and stays small. Chess draws the squares as python-chess does and its pieces with python-chess's own artwork,
// which chess_pieces.js (written at report time by arena/report/chess_pieces.py) holds; without that file, the
// pieces are Unicode glyphs.
// A plain script (no modules) so that the report works opened from file://.
(function () {
  "use strict";

  // ---- Shared SVG text ----

  // Stone and piece colours, so that player 0 and player 1 look the same in every game.
  const DARK = "#222";
  const LIGHT = "#f7f7f2";
  const OUTLINE = "#555";
  const HIGHLIGHT = "#e8491d"; // the last move's ring or outline
  const INK = "#222";
  const MUTED = "#666";

  // Python's whitespace (str.split, str.strip), which differs from JavaScript's \s in a few control characters.
  const WS = "[\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000]";
  const WS_RUN = new RegExp(WS + "+");
  const LEADING_WS = new RegExp("^" + WS + "+");
  const TRAILING_WS = new RegExp(WS + "+$");
  const LINE_BREAK = /\r\n|[\n\r\v\f\x1c-\x1e\x85\u2028\u2029]/;
  const UNPRINTABLE = /[\p{C}\p{Z}]/gu; // what Python's str.isprintable() refuses, bar the space
  const DIGITS = /^[0-9]+$/;

  function strip(s) { return s.replace(LEADING_WS, "").replace(TRAILING_WS, ""); }
  function rstrip(s) { return s.replace(TRAILING_WS, ""); }
  function words(s) { const t = strip(s); return t ? t.split(WS_RUN) : []; }
  function splitLines(s) {
    const lines = s.split(LINE_BREAK);
    if (lines[lines.length - 1] === "") lines.pop(); // a final line break ends the last line, it opens none
    return lines;
  }
  function isDecimal(s) { return DIGITS.test(s); }
  function chars(s) { return Array.from(s); } // by code point, as Python indexes strings
  function byCodePoint(a, b) { return a.codePointAt(0) - b.codePointAt(0); }

  // `text` safe inside an element or a double-quoted attribute; control characters, which XML forbids, dropped.
  function esc(text) {
    return String(text)
      .replace(UNPRINTABLE, (ch) => (ch === " " || ch === "\t" || ch === "\n" ? ch : ""))
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#x27;");
  }

  // A coordinate rounded to a tenth of a pixel, written as Python's f"{round(value, 1):g}" writes it: a value
  // exactly halfway between two tenths goes to the even one, where toFixed would round it up.
  function num(value) {
    const quarters = value * 4;
    let fixed;
    if (Number.isInteger(quarters) && quarters % 2 !== 0) {
      const size = Math.abs(value);
      fixed = (Math.sign(value) * (Math.abs(quarters) % 4 === 1 ? size - 0.05 : size + 0.05)).toFixed(1);
    } else {
      fixed = value.toFixed(1);
    }
    return fixed.endsWith(".0") ? fixed.slice(0, -2) : fixed;
  }

  // A complete standalone <svg> element: viewBox, an accessible title, generic fonts only.
  function svg(width, height, title, body) {
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${num(width)} ${num(height)}" width="${num(width)}" ` +
      `height="${num(height)}" role="img" font-family="sans-serif"><title>${esc(title)}</title>${body.join("")}</svg>`;
  }

  function rect(x, y, width, height, fill, extra = "") {
    return `<rect x="${num(x)}" y="${num(y)}" width="${num(width)}" height="${num(height)}" fill="${fill}"${extra}/>`;
  }

  function circle(cx, cy, r, fill, extra = "") {
    return `<circle cx="${num(cx)}" cy="${num(cy)}" r="${num(r)}" fill="${fill}"${extra}/>`;
  }

  function line(x1, y1, x2, y2, stroke, width, extra = "") {
    return `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" stroke="${stroke}" ` +
      `stroke-width="${num(width)}"${extra}/>`;
  }

  // Text whose middle (vertically) sits at y.
  function text(x, y, content, size, { fill = INK, anchor = "middle", extra = "" } = {}) {
    return `<text x="${num(x)}" y="${num(y)}" font-size="${num(size)}" fill="${fill}" text-anchor="${anchor}" ` +
      `dominant-baseline="central"${extra}>${esc(content)}</text>`;
  }

  // Centred text that takes its font and colour from the group() around it.
  function plainText(x, y, content, extra = "") {
    return `<text x="${num(x)}" y="${num(y)}"${extra}>${esc(content)}</text>`;
  }

  // Children sharing `attributes`; centred text inside reads its size and colour from them.
  function group(attributes, children) {
    return `<g text-anchor="middle" dominant-baseline="central" ${attributes}>${children.join("")}</g>`;
  }

  // The last move's mark around a cell, stone or disc.
  function ring(cx, cy, r) {
    return circle(cx, cy, r, "none", ` stroke="${HIGHLIGHT}" stroke-width="3" class="last-move"`);
  }

  // The last move's mark on a square cell whose top left corner is (x, y).
  function outline(x, y, size) {
    return rect(x + 2, y + 2, size - 4, size - 4, "none", ` stroke="${HIGHLIGHT}" stroke-width="3" class="last-move"`);
  }

  // The attribute naming which character of the state text a drawn piece stands for.
  function piece(char) { return ` data-piece="${esc(char)}"`; }

  // [row, column], from 0, of a cell named column letter then row number from 1 ("b3"), as the arena names
  // tic-tac-toe and hex cells; null for any other label.
  function namedCell(label) {
    const m = /^([A-Za-z])([0-9]+)$/.exec(label || "");
    return m ? [parseInt(m[2], 10) - 1, m[1].toLowerCase().charCodeAt(0) - 97] : null;
  }

  function sameCell(a, b) { return b !== null && a[0] === b[0] && a[1] === b[1]; }
  function sum(values) { return values.reduce((a, b) => a + b, 0); }
  function count(s, char) { return s.split(char).length - 1; }

  // ---- Tic-tac-toe and phantom tic-tac-toe: X and O marks, a1 at the top left ----

  const TTT_CELL = 60;
  const TTT_MARGIN = 24; // room for the column letters and row numbers
  const X_COLOUR = "#1f5fa8";
  const O_COLOUR = "#c0392b";

  // The rows of x, o and '.', top first; null unless every row is one of those and all are as long.
  function markRows(state) {
    const rows = splitLines(state).map(strip).filter((row) => row);
    if (!rows.length || new Set(rows.map((r) => r.length)).size !== 1 || rows.some((r) => /[^xo.]/.test(r))) return null;
    return rows;
  }

  function drawTicTacToe(state, lastMove) {
    const rows = markRows(state);
    if (rows === null) return null;
    const nRows = rows.length, nCols = rows[0].length, size = TTT_CELL, m = TTT_MARGIN;
    const body = [rect(0, 0, m * 2 + nCols * size, m * 2 + nRows * size, "#fff")];
    for (let c = 0; c < nCols; c++) body.push(text(m + (c + 0.5) * size, m / 2, String.fromCharCode(97 + c), 13, { fill: MUTED }));
    for (let r = 0; r < nRows; r++) body.push(text(m / 2, m + (r + 0.5) * size, String(r + 1), 13, { fill: MUTED }));
    for (let i = 1; i < nCols; i++) body.push(line(m + i * size, m, m + i * size, m + nRows * size, DARK, 2));
    for (let i = 1; i < nRows; i++) body.push(line(m, m + i * size, m + nCols * size, m + i * size, DARK, 2));
    const last = namedCell(lastMove);
    rows.forEach((row, r) => {
      Array.from(row).forEach((char, c) => {
        const x = m + c * size, y = m + r * size;
        if (sameCell([r, c], last)) body.push(outline(x, y, size));
        if (char === "x") {
          const near = size * 0.25, far = size * 0.75;
          const d = `M${num(x + near)} ${num(y + near)}L${num(x + far)} ${num(y + far)}` +
            `M${num(x + far)} ${num(y + near)}L${num(x + near)} ${num(y + far)}`;
          body.push(`<path d="${d}" stroke="${X_COLOUR}" stroke-width="6" stroke-linecap="round"${piece("x")}/>`);
        } else if (char === "o") {
          body.push(circle(x + size / 2, y + size / 2, size * 0.28, "none", ` stroke="${O_COLOUR}" stroke-width="6"${piece("o")}`));
        }
      });
    });
    const marks = sum(rows.map((row) => count(row, "x") + count(row, "o")));
    const title = `Tic-tac-toe position, ${marks} marks` + (lastMove ? `, last move ${lastMove}` : "");
    return svg(m * 2 + nCols * size, m * 2 + nRows * size, title, body);
  }

  // ---- Connect Four: discs in an upright board, columns numbered 1 from the left ----

  const C4_CELL = 44;
  const C4_FOOTER = 22; // the column numbers under the board
  const C4_BOARD = "#1f5fa8";
  const C4_HOLE = "#fff";
  const C4_DISC = { x: "#d63c2f", o: "#f2c230" };

  // The disc the last move dropped: the top one of the column it names.
  function lastDisc(rows, lastMove) {
    if (!lastMove || !isDecimal(strip(lastMove))) return null;
    const col = parseInt(strip(lastMove), 10) - 1;
    if (!(col >= 0 && col < rows[0].length)) return null;
    const r = rows.findIndex((row) => row[col] !== ".");
    return r < 0 ? null : [r, col];
  }

  function drawConnectFour(state, lastMove) {
    const rows = markRows(state); // the same rows of x, o and '.' as tic-tac-toe, top row first
    if (rows === null) return null;
    const nRows = rows.length, nCols = rows[0].length;
    const width = nCols * C4_CELL, height = nRows * C4_CELL + C4_FOOTER;
    const last = lastDisc(rows, lastMove);
    const body = [rect(0, 0, width, nRows * C4_CELL, C4_BOARD, ' rx="8"')];
    rows.forEach((row, r) => {
      Array.from(row).forEach((char, c) => {
        const cx = (c + 0.5) * C4_CELL, cy = (r + 0.5) * C4_CELL;
        if (char === "x" || char === "o") body.push(circle(cx, cy, C4_CELL * 0.4, C4_DISC[char], piece(char)));
        else body.push(circle(cx, cy, C4_CELL * 0.4, C4_HOLE));
        // a dot shows on both colours of disc, where a ring would not
        if (sameCell([r, c], last)) body.push(circle(cx, cy, C4_CELL * 0.11, DARK, ' class="last-move"'));
      });
    });
    for (let c = 0; c < nCols; c++) body.push(text((c + 0.5) * C4_CELL, nRows * C4_CELL + C4_FOOTER / 2, String(c + 1), 13, { fill: MUTED }));
    const discs = sum(rows.map((row) => nCols - count(row, ".")));
    const title = `Connect Four position, ${discs} discs` + (last ? `, last disc in column ${lastMove}` : "");
    return svg(width, height, title, body);
  }

  // ---- Hex and dark hex: hexagonal cells in a rhombus, each row half a cell right ----
  // Black (x, player 0) joins the top and bottom edges, White (o, player 1) the left and right ones; the edges
  // are drawn in the colour of the player who must join them.

  // OpenSpiel's explicit notation marks a stone's edge contacts too (y/z/X are black, p/q/O white).
  const HEX_STONE = new Map([..."xyzX"].map((c) => [c, "x"]).concat([..."opqO"].map((c) => [c, "o"]), [[".", "."]]));
  const HEX_R = 16; // hexagon radius (centre to corner)
  const HEX_W = Math.sqrt(3) * HEX_R; // hexagon width
  const HEX_MARGIN = 28;
  const HEX_CELL_FILL = "#f0dcb4";
  // Corners clockwise from the top (y points down); side i runs from corner i to i + 1 and faces the
  // neighbour HEX_SIDE_NEIGHBOUR[i] as [row, column] steps.
  const HEX_CORNERS = [-90, -30, 30, 90, 150, 210].map((a) => [Math.cos(a * (Math.PI / 180)), Math.sin(a * (Math.PI / 180))]);
  const HEX_SIDE_NEIGHBOUR = [[-1, 1], [0, 1], [1, 0], [1, -1], [0, -1], [-1, 0]];
  // One hexagon drawn from its top corner, clockwise, in relative steps.
  const HEXAGON = `l${num(HEX_W / 2)} ${num(HEX_R / 2)}v${num(HEX_R)}l${num(-HEX_W / 2)} ${num(HEX_R / 2)}` +
    `l${num(-HEX_W / 2)} ${num(-HEX_R / 2)}v${num(-HEX_R)}z`;
  const hexBoards = new Map(); // the empty board of each size, drawn once

  function hexRows(state) {
    const rows = splitLines(state).filter((l) => strip(l)).map(words);
    if (!rows.length || new Set(rows.map((r) => r.length)).size !== 1 || rows.some((r) => r.some((c) => !HEX_STONE.has(c)))) return null;
    return rows.map((r) => r.map((c) => HEX_STONE.get(c)));
  }

  function hexCentre(r, c) {
    return [HEX_MARGIN + HEX_W / 2 + c * HEX_W + r * HEX_W / 2, HEX_MARGIN + HEX_R + r * 1.5 * HEX_R];
  }

  // Corner i of the hexagon centred at (cx, cy), as "x y".
  function hexCorner(cx, cy, i) {
    const [dx, dy] = HEX_CORNERS[i % 6];
    return `${num(cx + HEX_R * dx)} ${num(cy + HEX_R * dy)}`;
  }

  // The board's border, side by side, in the colour of the player whose edge each side lies on.
  function hexEdges(nRows, nCols) {
    const sides = { x: [], o: [] };
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < nCols; c++) {
        const [cx, cy] = hexCentre(r, c);
        HEX_SIDE_NEIGHBOUR.forEach(([dr, dc], i) => {
          const nr = r + dr, nc = c + dc;
          if (nr >= 0 && nr < nRows && nc >= 0 && nc < nCols) return;
          const owner = nr >= 0 && nr < nRows ? "o" : "x"; // a corner side goes to the rows' owner
          sides[owner].push(`M${hexCorner(cx, cy, i)}L${hexCorner(cx, cy, i + 1)}`);
        });
      }
    }
    return [`<path d="${sides.o.join("")}" stroke="${OUTLINE}" stroke-width="8" stroke-linecap="round"/>`,
      `<path d="${sides.o.join("")}" stroke="${LIGHT}" stroke-width="5" stroke-linecap="round"/>`,
      `<path d="${sides.x.join("")}" stroke="${DARK}" stroke-width="6" stroke-linecap="round"/>`];
  }

  // Everything but the stones: it depends only on the size, and is most of the work.
  function hexBoard(nRows, nCols) {
    const key = `${nRows}x${nCols}`;
    if (hexBoards.has(key)) return hexBoards.get(key);
    let cells = "";
    for (let r = 0; r < nRows; r++) {
      for (let c = 0; c < nCols; c++) {
        const [cx, cy] = hexCentre(r, c);
        cells += `M${num(cx)} ${num(cy - HEX_R)}${HEXAGON}`;
      }
    }
    // Column letters above the top row, row numbers left of each row.
    const labels = [];
    for (let c = 0; c < nCols; c++) {
      const [cx, cy] = hexCentre(0, c);
      labels.push(plainText(cx, cy - HEX_R - 12, String.fromCharCode(97 + c)));
    }
    for (let r = 0; r < nRows; r++) {
      const [cx, cy] = hexCentre(r, 0);
      labels.push(plainText(cx - HEX_W / 2 - 12, cy, String(r + 1)));
    }
    const board = [...hexEdges(nRows, nCols), `<path d="${cells}" fill="${HEX_CELL_FILL}" stroke="${OUTLINE}" stroke-width="1"/>`,
      group(`font-size="11" fill="${MUTED}"`, labels)].join("");
    if (hexBoards.size < 16) hexBoards.set(key, board);
    return board;
  }

  function drawHex(state, lastMove) {
    const rows = hexRows(state);
    if (rows === null) return null;
    const nRows = rows.length, nCols = rows[0].length;
    const width = 2 * HEX_MARGIN + nCols * HEX_W + (nRows - 1) * HEX_W / 2;
    const height = 2 * HEX_MARGIN + HEX_R * (1.5 * nRows + 0.5);
    const last = namedCell(lastMove);
    const stones = [];
    rows.forEach((row, r) => {
      row.forEach((stone, c) => {
        const isLast = sameCell([r, c], last);
        if (stone === "." && !isLast) return;
        const [cx, cy] = hexCentre(r, c);
        if (stone !== ".") stones.push(circle(cx, cy, HEX_R * 0.68, stone === "x" ? DARK : LIGHT, piece(stone)));
        if (isLast) stones.push(ring(cx, cy, HEX_R * 0.8));
      });
    });
    const placed = sum(rows.map((row) => row.filter((s) => s !== ".").length));
    const title = `Hex position on a ${nRows}x${nCols} board, ${placed} stones; Black (x) joins top and bottom, ` +
      "White (o) left and right" + (last ? `; last move ${lastMove}` : "");
    return svg(width, height, title, [hexBoard(nRows, nCols), `<g stroke="${OUTLINE}">${stones.join("")}</g>`]);
  }

  // ---- Lettered square boards: rows led by a rank number, a line of file letters above or below ----
  // (breakthrough, checkers, clobber, lines of action, go, othello...). Whether a text is such a board is decided
  // by its shape alone, so a game never seen before still draws when it prints one. Each character other than
  // an empty square's becomes a disc showing that character, with a legend; a character keeps its colour in
  // every position, so a replay does not flicker.

  const GRID_EMPTY = new Set([".", "-"]);
  const GRID_PAIRS = new Map([..."xXbB+@"].map((c) => [c, DARK]).concat([..."oOwW"].map((c) => [c, LIGHT]))); // the usual two sides
  const GRID_PALETTE = ["#c0392b", "#1f5fa8", "#2e8b57", "#d68910", "#7d3c98", "#16a085", "#a04000", "#5d6d7e"];
  const CHECKERED = ["#f0d9b5", "#dcb98c"];
  const WOOD = "#dcb35c";
  const GRID_LINE = "#7a5c2e";
  const BOARD_PIXELS = 380;
  const GRID_LABEL = 20; // room for the rank numbers and file letters
  const LEGEND = 28;

  // The file letters of a header or footer line and whether they are spaced out; null if it is not one.
  function gridFiles(l) {
    const stripped = strip(l);
    const spaced = stripped.includes(" ");
    const letters = spaced ? words(stripped) : chars(stripped);
    if (letters.length < 2 || letters.some((f) => !/^[A-Za-z]$/.test(f))) return null;
    const lowered = letters.map((f) => f.toLowerCase());
    for (let i = 1; i < lowered.length; i++) if (lowered[i - 1] >= lowered[i]) return null; // in order; go skips i
    return { files: letters, spaced };
  }

  // [rank label, squares] of a board row: a number, the squares, and maybe the number again.
  function rankRow(l, width, spaced) {
    if (spaced) {
      let tokens = words(l);
      if (tokens.length === width + 2 && tokens[tokens.length - 1] === tokens[0]) tokens = tokens.slice(0, -1);
      const label = tokens.length ? tokens[0] : "", cells = tokens.slice(1);
      const ok = cells.length === width && cells.every((s) => chars(s).length === 1);
      return ok && isDecimal(label) ? [label, cells] : null;
    }
    // Squares last: a label that runs into them ("88.+..." is rank 8 of checkers, a king on a8) stays apart.
    const row = chars(rstrip(l));
    const label = strip(row.slice(0, Math.max(0, row.length - width)).join("")), squares = row.slice(-width);
    return row.length > width && isDecimal(label) && !squares.includes(" ") ? [label, squares] : null;
  }

  function parseGrid(state) {
    const lines = splitLines(state);
    for (let i = 0; i < lines.length; i++) {
      const found = gridFiles(lines[i]);
      if (found === null) continue;
      for (const step of [-1, 1]) { // rows above a footer, or below a header
        let rows = [];
        let row;
        for (let j = i + step; j >= 0 && j < lines.length && (row = rankRow(lines[j], found.files.length, found.spaced)) !== null; j += step) rows.push(row);
        if (rows.length >= 2) {
          if (step < 0) rows = rows.reverse();
          return { files: found.files, ranks: rows.map(([label]) => label), rows: rows.map(([, squares]) => squares) };
        }
      }
    }
    return null;
  }

  // [disc, character] colours of a piece.
  function gridColours(char) {
    const fill = GRID_PAIRS.get(char) || GRID_PALETTE[char.codePointAt(0) % GRID_PALETTE.length];
    return [fill, fill === LIGHT ? "#000" : "#fff"];
  }

  // The squares a move label names ("e2e4", "B h14", "d3"), as [row, column].
  function gridMarked(board, lastMove) {
    const files = board.files.map((f) => f.toLowerCase());
    const found = new Map();
    for (const [, file, rank] of (lastMove || "").matchAll(/([A-Za-z])([0-9]+)/g)) {
      if (files.includes(file.toLowerCase()) && board.ranks.includes(rank)) {
        const cell = [board.ranks.indexOf(rank), files.indexOf(file.toLowerCase())];
        found.set(cell.join(","), cell);
      }
    }
    return [...found.values()].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  }

  function gridStyle(name, empty = GRID_EMPTY, squares = CHECKERED, lettered = true) {
    return { name, empty, squares, lettered };
  }

  const PLAIN = gridStyle("Board");
  const GO = gridStyle("Go", new Set(["+", "."]), [WOOD, WOOD], false); // go prints '+' for an empty point

  function makeGridDraw(style) {
    return (state, lastMove) => {
      const board = parseGrid(state);
      return board === null ? null : drawGrid(board, style, lastMove);
    };
  }

  function drawGrid(board, style, lastMove) {
    const empty = style.empty;
    const nRows = board.rows.length, nCols = board.files.length;
    const size = Math.max(14, Math.min(48, Math.floor(BOARD_PIXELS / Math.max(nRows, nCols))));
    const left = GRID_LABEL, top = 4;
    const bottom = top + nRows * size, right = left + nCols * size;
    const body = [rect(left, top, nCols * size, nRows * size, style.squares[0])];
    if (style.squares[0] !== style.squares[1]) { // one path for all the dark squares keeps the text short
      let dark = "";
      for (let r = 0; r < nRows; r++) {
        for (let c = 0; c < nCols; c++) if ((r + c) % 2) dark += `M${left + c * size} ${top + r * size}h${size}v${size}h-${size}z`;
      }
      body.push(`<path d="${dark}" fill="${style.squares[1]}"/>`);
    } else {
      let grid = "";
      for (let c = 1; c < nCols; c++) grid += `M${left + c * size} ${top}V${bottom}`;
      for (let r = 1; r < nRows; r++) grid += `M${left} ${top + r * size}H${right}`;
      body.push(`<path d="${grid}" stroke="${GRID_LINE}" stroke-width="0.6"/>`);
    }
    const labels = board.ranks.map((rank, r) => plainText(left / 2, top + (r + 0.5) * size, rank))
      .concat(board.files.map((f, c) => plainText(left + (c + 0.5) * size, bottom + GRID_LABEL / 2, f)));
    body.push(group(`font-size="11" fill="${MUTED}"`, labels));
    for (const [r, c] of gridMarked(board, lastMove)) body.push(outline(left + c * size, top + r * size, size));
    const pieces = [];
    const seen = new Set();
    let placed = 0;
    board.rows.forEach((row, r) => {
      row.forEach((char, c) => {
        if (empty.has(char)) return;
        seen.add(char);
        placed += 1;
        const [fill, ink] = gridColours(char);
        const cx = left + (c + 0.5) * size, cy = top + (r + 0.5) * size;
        const letter = style.lettered ? plainText(cx, cy, char, ` fill="${ink}" stroke="none"`) : "";
        pieces.push(`<g${piece(char)}>${circle(cx, cy, size * 0.4, fill)}${letter}</g>`);
      });
    });
    body.push(group(`stroke="${OUTLINE}" stroke-width="0.8" font-size="${num(size * 0.45)}"`, pieces));
    let x = left;
    const y = bottom + GRID_LABEL + LEGEND / 2;
    for (const char of [...seen].sort(byCodePoint)) { // each character beside its disc
      body.push(circle(x + 8, y, 7, gridColours(char)[0], ` stroke="${OUTLINE}"`));
      body.push(text(x + 20, y, `= ${char}`, 12, { anchor: "start" }));
      x += 52;
    }
    const title = `${style.name} position, ${nRows}x${nCols}, ${placed} pieces` + (lastMove ? `, last move ${lastMove}` : "");
    return svg(Math.max(right + 8, x), y + LEGEND / 2, title, body);
  }

  // ---- Kuhn and Leduc poker: a panel per seat with its private card, the pot, the public card and
  // the betting so far. The state text shows every card, so the drawing does too: it is for replays, not players.

  const TO_ACT = "#2e8b57"; // the border of the seat whose turn it is
  const PANEL_W = 150, PANEL_H = 150, GAP = 16;
  const CARD_W = 56, CARD_H = 80;
  const NO_CARD = -10000; // OpenSpiel's Leduc card before it is dealt
  const KUHN_ACTIONS = { p: "pass", b: "bet" };
  const INTEGER = /^[+-]?[0-9]+$/;

  function rankName(rank) { return rank >= 0 && rank < 4 ? "JQKA"[rank] : String(rank); }

  // Kuhn poker's text, e.g. "0 1 pb": the cards dealt to seats 0, 1, ... then the bets, one letter each.
  function parseKuhn(state) {
    const tokens = words(state);
    const cards = tokens.filter(isDecimal);
    const bets = tokens.slice(cards.length);
    if (cards.some((c, i) => tokens[i] !== c) || bets.length > 1 || (bets.length && /[^pb]/.test(bets[0]))) return null;
    const history = bets.length ? bets[0] : "";
    const seats = Math.max(2, cards.length);
    if ((history && cards.length < 2) || new Set(cards).size < cards.length || cards.some((c) => parseInt(c, 10) > seats)) return null;
    const stakes = new Array(seats).fill(1); // everyone antes one chip; a bet or a call adds one
    Array.from(history).forEach((action, i) => { stakes[i % seats] += action === "b" ? 1 : 0; });
    const done = kuhnOver(history, seats);
    const toAct = cards.length < seats || done ? null : history.length % seats;
    const dealt = cards.map((c) => rankName(parseInt(c, 10)));
    while (dealt.length < seats) dealt.push(null);
    return { game: "Kuhn poker", cards: dealt, stacks: stakes.map((s) => `stake ${s}`), toAct,
      public: [`Pot ${sum(stakes)}`], board: [], rounds: [Array.from(history).map((a) => KUHN_ACTIONS[a])] };
  }

  // After a bet everyone answers once; with no bet, once everyone has passed.
  function kuhnOver(history, seats) {
    const bet = history.indexOf("b");
    return bet >= 0 ? history.length - bet >= seats : history.length >= seats;
  }

  const LEDUC_LINE = /^(Round|Player|Pot|Money \([^)]*\)|Cards \([^)]*\)|Round \d sequence):\s*(.*)$/;

  function parseLeduc(state) {
    const fields = new Map();
    for (const l of splitLines(state)) {
      const m = LEDUC_LINE.exec(strip(l));
      if (m !== null) fields.set(m[1].split(" (")[0], strip(m[2]));
    }
    if (!fields.has("Money") || !fields.has("Cards") || !fields.has("Player") || !fields.has("Pot")) return null;
    const money = words(fields.get("Money"));
    const cardTokens = words(fields.get("Cards"));
    if (!cardTokens.length || !cardTokens.every((c) => INTEGER.test(c)) || !INTEGER.test(fields.get("Player"))) return null;
    const [publicCard, ...privateCards] = cardTokens.map((c) => parseInt(c, 10));
    const player = parseInt(fields.get("Player"), 10);
    if (privateCards.length !== money.length || !money.length) return null;
    const sequences = [1, 2].map((n) => (fields.get(`Round ${n} sequence`) || "").split(", ").filter((a) => a));
    return { game: "Leduc poker", cards: privateCards.map((c) => (c === NO_CARD ? null : leducCard(c))),
      stacks: money.map((m) => `money ${m}`), toAct: player >= 0 && player < money.length ? player : null,
      public: [`Pot ${fields.get("Pot")}`], board: [publicCard === NO_CARD ? null : leducCard(publicCard)], rounds: sequences };
  }

  function leducCard(card) { return rankName(Math.floor(card / 2)); } // two suits of each rank; the suit never matters

  function lastAction(table) {
    for (let i = table.rounds.length - 1; i >= 0; i--) if (table.rounds[i].length) return table.rounds[i][table.rounds[i].length - 1];
    return "";
  }

  function card(x, y, name) {
    if (name === null) return [rect(x, y, CARD_W, CARD_H, "#d5d8dc", ` rx="6" stroke="${OUTLINE}" stroke-dasharray="4 3"`)];
    return [rect(x, y, CARD_W, CARD_H, "#fff", ` rx="6" stroke="${OUTLINE}" stroke-width="1.5"`),
      text(x + CARD_W / 2, y + CARD_H / 2, name, 34, { extra: ' font-weight="bold" font-family="serif" class="card"' })];
  }

  function firstChar(s) { return chars(s).slice(0, 1).join("").toLowerCase(); }

  function drawTable(table, lastMove) {
    const seats = table.cards.length;
    const width = Math.max(seats * (PANEL_W + GAP) + GAP, 340);
    const body = [];
    table.cards.forEach((name, seat) => {
      const x = GAP + seat * (PANEL_W + GAP), y = GAP;
      const turn = seat === table.toAct;
      const border = ` rx="10" stroke="${turn ? TO_ACT : OUTLINE}" stroke-width="${turn ? 3 : 1}"`;
      body.push(rect(x, y, PANEL_W, PANEL_H, "#eef3ee", border));
      body.push(text(x + PANEL_W / 2, y + 16, `Player ${seat}` + (turn ? " to act" : ""), 13, { extra: ' font-weight="bold"' }));
      body.push(...card(x + (PANEL_W - CARD_W) / 2, y + 32, name));
      body.push(text(x + PANEL_W / 2, y + PANEL_H - 18, table.stacks[seat], 12, { fill: MUTED }));
    });
    let y = GAP * 2 + PANEL_H + 8;
    if (table.board.length) {
      body.push(text(width - GAP - CARD_W / 2, y, "Public card", 12, { fill: MUTED }));
      body.push(...card(width - GAP - CARD_W, y + 14, table.board[0]));
    }
    for (const l of table.public) {
      body.push(text(GAP, y, l, 14, { anchor: "start", extra: ' font-weight="bold"' }));
      y += 22;
    }
    const made = sum(table.rounds.map((actions) => actions.length));
    // The label names the action ("bet", "Raise"); the betting shows it as the last one made.
    const lastIsShown = Boolean(made && lastMove && firstChar(strip(lastMove)) === firstChar(lastAction(table)));
    let shown = 0;
    table.rounds.forEach((actions, n) => {
      if (!(table.rounds.length > 1 || actions.length)) return;
      body.push(text(GAP, y, table.rounds.length > 1 ? `Round ${n + 1}:` : "Bets:", 13, { fill: MUTED, anchor: "start" }));
      let x = GAP + 70;
      for (const action of actions) {
        shown += 1;
        const mark = lastIsShown && shown === made;
        body.push(text(x, y, action, 13, { fill: mark ? HIGHLIGHT : INK, anchor: "start",
          extra: mark ? ' class="last-move" font-weight="bold"' : "" }));
        x += 8 * chars(action).length + 14;
      }
      y += 22;
    });
    if (table.board.length) y = Math.max(y, GAP * 2 + PANEL_H + 8 + 14 + CARD_H + 8);
    let title = `${table.game}: cards ` + table.cards.map((c, i) => `player ${i} ${c || "not dealt"}`).join(", ");
    title += "; " + table.public.concat(table.board.map((c) => `public card ${c || "not dealt"}`)).join("; ");
    return svg(width, y + 4, title, body);
  }

  function drawKuhn(state, lastMove) {
    const table = parseKuhn(state);
    return table === null ? null : drawTable(table, lastMove);
  }

  function drawLeduc(state, lastMove) {
    const table = parseLeduc(state);
    return table === null ? null : drawTable(table, lastMove);
  }

  // ---- One-shot matrix games: the payoff table, each cell "row player's payoff, column player's" ----
  // OpenSpiel's text drops the action names once the game is over, keeping the choices as "History: r, c"; the
  // names then come from an earlier state of the episode, or for the games the arena knows by name from the list
  // below (OpenSpiel's own names), and the chosen cell is outlined.

  const ROW_INK = "#1f5fa8", COL_INK = "#c0392b";
  const NAME_W = 96, CELL_W = 84, CELL_H = 36;
  const SPIEL_NAMES = new Map([
    ["matrix_pd", ["Cooperate", "Defect"]],
    ["matrix_mp", ["Heads", "Tails"]],
    ["matrix_rps", ["Rock", "Paper", "Scissors"]],
  ]);

  function matrixFields(lines) {
    const fields = new Map();
    for (const l of lines) {
      const colon = l.indexOf(":");
      if (colon >= 0) fields.set(l.slice(0, colon), words(l.slice(colon + 1)));
    }
    return fields;
  }

  // The row and column action names an earlier text of the episode gave, else the known ones of `game`.
  function namesFrom(game, earlierStates) {
    for (let i = earlierStates.length - 1; i >= 0; i--) {
      if (typeof earlierStates[i] !== "string") continue;
      const fields = matrixFields(splitLines(earlierStates[i]).map(strip));
      const rows = fields.get("Row actions") || [], cols = fields.get("Col actions") || [];
      if (rows.length && cols.length) return [rows, cols];
    }
    const known = SPIEL_NAMES.get(game);
    return known ? [known, known] : [[], []];
  }

  function parseMatrix(state, game, earlierStates) {
    const lines = splitLines(state).map(strip);
    const start = lines.indexOf("Utility matrix:");
    if (start < 0) return null;
    const fields = matrixFields(lines);
    const payoffs = [];
    for (const l of lines.slice(start + 1)) {
      if (!l) break;
      const cells = words(l).map((cell) => cell.split(","));
      if (cells.some((c) => c.length !== 2)) return null;
      payoffs.push(cells);
    }
    if (!payoffs.length || new Set(payoffs.map((r) => r.length)).size !== 1) return null;
    let rows = fields.get("Row actions") || [], cols = fields.get("Col actions") || [];
    if ((!rows.length || !cols.length) && game) [rows, cols] = namesFrom(game, earlierStates);
    if (rows.length !== payoffs.length || cols.length !== payoffs[0].length) {
      rows = payoffs.map((_, i) => `action ${i}`);
      cols = payoffs[0].map((_, i) => `action ${i}`);
    }
    const history = (fields.get("History") || []).map((h) => h.replace(/^,+|,+$/g, ""));
    let chosen = null;
    if (history.length === 2 && history.every(isDecimal)) {
      const r = parseInt(history[0], 10), c = parseInt(history[1], 10);
      chosen = r < rows.length && c < cols.length ? [r, c] : null;
    }
    return { rows, cols, payoffs, chosen };
  }

  // A drawer for the matrix game OpenSpiel knows as `spielName` (for the names of a finished game).
  function makeMatrixDraw(spielName) {
    return (state, lastMove, earlierStates) => {
      const matrix = parseMatrix(state, spielName, earlierStates || []);
      return matrix === null ? null : drawMatrix(matrix, lastMove);
    };
  }

  function drawMatrix(matrix, lastMove) {
    // Once both choices are known the chosen cell says it all; before, mark the row or column named.
    const pick = matrix.chosen === null ? strip(lastMove || "").toLowerCase() : "";
    const nRows = matrix.rows.length, nCols = matrix.cols.length;
    const top = 44, left = NAME_W;
    const width = left + nCols * CELL_W + 8, height = top + nRows * CELL_H + 30;
    const body = [text(left + nCols * CELL_W / 2, 12, "Column player", 12, { fill: COL_INK }),
      text(4, top - CELL_H / 2 + 10, "Row player", 12, { fill: ROW_INK, anchor: "start" })];
    const mark = ' fill-opacity="0.18" class="last-move"';
    matrix.cols.forEach((name, c) => {
      const x = left + c * CELL_W;
      if (name.toLowerCase() === pick) body.push(rect(x, top, CELL_W, nRows * CELL_H, HIGHLIGHT, mark));
      body.push(text(x + CELL_W / 2, top - 12, name, 13, { extra: ' font-weight="bold"' }));
    });
    matrix.rows.forEach((name, r) => {
      const y = top + r * CELL_H;
      if (name.toLowerCase() === pick) body.push(rect(left, y, nCols * CELL_W, CELL_H, HIGHLIGHT, mark));
      body.push(text(left - 8, y + CELL_H / 2, name, 13, { anchor: "end", extra: ' font-weight="bold"' }));
      matrix.payoffs[r].forEach(([mine, theirs], c) => {
        const x = left + c * CELL_W;
        body.push(rect(x, y, CELL_W, CELL_H, "none", ` stroke="${OUTLINE}"`));
        body.push(`<text x="${num(x + CELL_W / 2)}" y="${num(y + CELL_H / 2)}" font-size="14" text-anchor="middle" ` +
          `dominant-baseline="central" fill="${INK}"><tspan fill="${ROW_INK}">${esc(mine)}</tspan>, ` +
          `<tspan fill="${COL_INK}">${esc(theirs)}</tspan></text>`);
      });
    });
    let note = "Payoffs: row player's, column player's";
    if (matrix.chosen !== null) {
      const [r, c] = matrix.chosen;
      body.push(rect(left + c * CELL_W + 2, top + r * CELL_H + 2, CELL_W - 4, CELL_H - 4, "none",
        ` stroke="${HIGHLIGHT}" stroke-width="3" class="chosen"`));
      note = `Played: ${matrix.rows[r]} / ${matrix.cols[c]}`;
    }
    body.push(text(4, height - 12, note, 12, { fill: MUTED, anchor: "start" }));
    const title = `Payoff matrix, ${nRows}x${nCols}` + (matrix.chosen ? `; ${note.toLowerCase()}` : "");
    return svg(width, height, title, body);
  }

  // ---- Iterated prisoner's dilemma: "p0:CCD p1:CDD" as two rows of C and D cells ----

  const PD_STATE = /^\s*p0:([CD]*)\s+p1:([CD]*)\s*$/;
  const PD_COLOUR = { C: "#5cb85c", D: "#d9534f" };
  // One round's points: PAYOFF[mine is D][theirs is D], as arena.games.prisoners_dilemma.PAYOFF has them.
  const PAYOFF = [[5, 0], [10, 1]];
  const PD_CELL = 24, PD_GAP = 3, PD_NAME_W = 84, PER_LINE = 20;

  function points(mine, theirs) {
    return sum(Array.from(mine).map((a, i) => PAYOFF[a === "D" ? 1 : 0][theirs[i] === "D" ? 1 : 0]));
  }

  function drawPrisonersDilemma(state) {
    const m = PD_STATE.exec(state);
    if (m === null || m[1].length !== m[2].length) return null;
    const p0 = m[1], p1 = m[2];
    const rounds = p0.length;
    const lines = Math.max(1, Math.ceil(rounds / PER_LINE));
    const block = 2 * PD_CELL + PD_GAP + 22; // two rows and the round numbers above them
    const width = Math.max(PD_NAME_W + Math.min(rounds, PER_LINE) * (PD_CELL + PD_GAP) + 8, 340);
    const body = [];
    for (let l = 0; l < lines; l++) {
      const top = 8 + l * block;
      [p0, p1].forEach((choices, seat) => {
        const y = top + 16 + seat * (PD_CELL + PD_GAP);
        body.push(text(4, y + PD_CELL / 2, `Player ${seat}`, 12, { anchor: "start" }));
        for (let i = l * PER_LINE; i < Math.min(rounds, (l + 1) * PER_LINE); i++) {
          const x = PD_NAME_W + (i - l * PER_LINE) * (PD_CELL + PD_GAP);
          if (seat === 0 && ((i + 1) % 5 === 0 || i === l * PER_LINE)) body.push(text(x + PD_CELL / 2, top + 6, String(i + 1), 9, { fill: MUTED }));
          body.push(rect(x, y, PD_CELL, PD_CELL, PD_COLOUR[choices[i]], ` rx="3" data-piece="${choices[i]}"`));
          body.push(text(x + PD_CELL / 2, y + PD_CELL / 2, choices[i], 12, { fill: "#fff", extra: ' font-weight="bold"' }));
        }
      });
    }
    const y = 8 + lines * block + 6;
    if (rounds === 0) body.push(text(PD_NAME_W, 8 + 16 + PD_CELL / 2, "no rounds yet", 12, { fill: MUTED, anchor: "start" }));
    body.push(text(4, y, `After ${rounds} rounds: player 0 ${points(p0, p1)} points, player 1 ${points(p1, p0)}`, 12,
      { fill: INK, anchor: "start" }));
    const title = `Iterated prisoner's dilemma, ${rounds} rounds: player 0 ${p0 || "-"}, player 1 ${p1 || "-"}`;
    return svg(width, y + 14, title, body);
  }

  // ---- Chess: the FEN that is OpenSpiel's chess state text, drawn as python-chess draws it ----
  // Same squares, colours and sizes; the last move's squares and a king in check marked. The pieces are
  // <use> references to python-chess's artwork (chess_pieces.js), put into the page once.

  const SQUARE = 45, CHESS_MARGIN = 15, CHESS_FULL = 2 * CHESS_MARGIN + 8 * SQUARE, CHESS_SIZE = 360;
  const CHESS_COLOURS = {
    light: "#ffce9e", dark: "#d18b47", "light lastmove": "#cdd16a", "dark lastmove": "#aaa23b",
    margin: "#212121", coord: "#e5e5e5",
  };
  const PIECE_NAMES = { p: "pawn", n: "knight", b: "bishop", r: "rook", q: "queen", k: "king" };
  // White's glyphs then Black's, king to pawn; U+FE0E asks for text, not emoji, presentation.
  const GLYPHS = { K: "♔", Q: "♕", R: "♖", B: "♗", N: "♘", P: "♙", k: "♚", q: "♛", r: "♜", b: "♝", n: "♞", p: "♟" };
  const FILES = "abcdefgh";
  const SHEET_ID = "arena-chess-pieces";
  const CASTLING = /^(?:-|[KQABCDEFGH]{0,2}[kqabcdefgh]{0,2})$/;
  const SQUARE_NAME = /^[a-h][1-8]$/;

  function squareIndex(name) { return (name.charCodeAt(1) - 49) * 8 + (name.charCodeAt(0) - 97); } // a1 = 0, h8 = 63

  // {squares: 64 piece letters or "" from a1 to h8, white: whether White is to move}; null when python-chess
  // would refuse the FEN.
  function parseFen(fen) {
    const parts = words(fen);
    if (!parts.length || parts.length > 6) return null;
    const [placement, turn = "w", castling = "-", ep = "-", halfmove = "0", fullmove = "1"] = parts;
    if ((turn !== "w" && turn !== "b") || !CASTLING.test(castling) || (ep !== "-" && !SQUARE_NAME.test(ep))) return null;
    if (!/^[+-]?[0-9]+$/.test(halfmove) || parseInt(halfmove, 10) < 0) return null;
    if (!/^[+-]?[0-9]+$/.test(fullmove) || parseInt(fullmove, 10) < 0) return null;
    const ranks = placement.split("/");
    if (ranks.length !== 8) return null;
    const squares = new Array(64).fill("");
    for (let r = 0; r < 8; r++) {
      let file = 0, previous = "";
      for (const ch of ranks[r]) {
        if (/[1-8]/.test(ch)) {
          if (previous === "digit") return null; // two digits running: python-chess refuses it
          file += Number(ch);
          previous = "digit";
        } else if (ch === "~") { // a promoted piece, in crazyhouse
          if (previous !== "piece") return null;
          previous = "";
        } else if (/[pnbrqkPNBRQK]/.test(ch)) {
          if (file < 8) squares[(7 - r) * 8 + file] = ch;
          file += 1;
          previous = "piece";
        } else {
          return null;
        }
      }
      if (file !== 8) return null;
    }
    return { squares, white: turn === "w" };
  }

  // Whether a piece of the side `white` attacks square `target` (pins do not matter, as for a check).
  function attacked(squares, target, white) {
    const tf = target % 8, tr = Math.floor(target / 8);
    const at = (f, r) => (f >= 0 && f < 8 && r >= 0 && r < 8 ? squares[r * 8 + f] : null);
    const own = (p) => (white ? p.toUpperCase() : p.toLowerCase());
    const pawnRank = white ? tr - 1 : tr + 1;
    if (at(tf - 1, pawnRank) === own("p") || at(tf + 1, pawnRank) === own("p")) return true;
    const knight = [[1, 2], [2, 1], [2, -1], [1, -2], [-1, -2], [-2, -1], [-2, 1], [-1, 2]];
    if (knight.some(([df, dr]) => at(tf + df, tr + dr) === own("n"))) return true;
    const around = [[1, 0], [1, 1], [0, 1], [-1, 1], [-1, 0], [-1, -1], [0, -1], [1, -1]];
    if (around.some(([df, dr]) => at(tf + df, tr + dr) === own("k"))) return true;
    return around.some(([df, dr]) => {
      const sliders = df && dr ? [own("b"), own("q")] : [own("r"), own("q")];
      for (let f = tf + df, r = tr + dr; at(f, r) !== null; f += df, r += dr) {
        const p = at(f, r);
        if (p) return sliders.includes(p);
      }
      return false;
    });
  }

  // The square of the side to move's king when it is in check, else null (python-chess's king(): the highest).
  function checkedKing(position) {
    const king = position.white ? "K" : "k";
    const square = position.squares.lastIndexOf(king);
    return square >= 0 && attacked(position.squares, square, !position.white) ? square : null;
  }

  // {squares: [from, to], uci} of a UCI move as python-chess reads and writes one (a drop's piece upper case);
  // null for none, the null move or nonsense.
  function uciMove(uci) {
    let m;
    if (!uci || uci === "0000") return null;
    if ((m = /^([pnbrqkPNBRQK])@([a-h][1-8])$/.exec(uci))) {
      return { squares: [squareIndex(m[2]), squareIndex(m[2])], uci: `${m[1].toUpperCase()}@${m[2]}` };
    }
    if ((m = /^([a-h][1-8])([a-h][1-8])[pnbrqk]?$/.exec(uci)) && m[1] !== m[2]) {
      return { squares: [squareIndex(m[1]), squareIndex(m[2])], uci };
    }
    return null;
  }

  // Puts python-chess's piece artwork into the page once; whether it is there to be referred to.
  function pieceArtwork() {
    if (typeof document === "undefined") return false;
    if (document.getElementById(SHEET_ID)) return true;
    const sheet = typeof window !== "undefined" ? window.ARENA_CHESS_PIECES : undefined;
    if (typeof sheet !== "string" || !document.body) return false;
    // Out of sight but not display:none, under which some browsers stop drawing what <use> refers to.
    const holder = document.createElement("div");
    holder.id = SHEET_ID;
    holder.setAttribute("aria-hidden", "true");
    holder.style.cssText = "position:absolute;width:0;height:0;overflow:hidden";
    holder.innerHTML = sheet;
    document.body.appendChild(holder);
    return true;
  }

  function drawChess(state, lastMove) {
    const position = parseFen(strip(state));
    if (position === null) return null;
    const move = uciMove(lastMove);
    const check = checkedKing(position);
    const artwork = pieceArtwork();
    const offset = CHESS_MARGIN;
    const corner = (square) => [offset + (square % 8) * SQUARE, offset + (7 - Math.floor(square / 8)) * SQUARE];
    const body = [];
    if (check !== null) {
      body.push('<defs><radialGradient id="check_gradient" r="0.5"><stop offset="0%" stop-color="#ff0000" stop-opacity="1.0"/>' +
        '<stop offset="50%" stop-color="#e70000" stop-opacity="1.0"/><stop offset="100%" stop-color="#9e0000" stop-opacity="0.0"/>' +
        "</radialGradient></defs>");
    }
    body.push(rect(CHESS_MARGIN / 2, CHESS_MARGIN / 2, CHESS_FULL - CHESS_MARGIN, CHESS_FULL - CHESS_MARGIN, "none",
      ` stroke="${CHESS_COLOURS.margin}" stroke-width="${CHESS_MARGIN}"`));
    const coords = [];
    for (let i = 0; i < 8; i++) {
      const along = offset + (i + 0.5) * SQUARE;
      coords.push(plainText(along, CHESS_MARGIN / 2, FILES[i]), plainText(along, CHESS_FULL - CHESS_MARGIN / 2, FILES[i]));
      const rank = String(8 - i);
      coords.push(plainText(CHESS_MARGIN / 2, along, rank), plainText(CHESS_FULL - CHESS_MARGIN / 2, along, rank));
    }
    body.push(group(`font-size="12" fill="${CHESS_COLOURS.coord}" class="coord"`, coords));
    for (let square = 0; square < 64; square++) {
      const [x, y] = corner(square);
      const shade = (square % 8 + Math.floor(square / 8)) % 2 ? "light" : "dark";
      const key = move && move.squares.includes(square) ? `${shade} lastmove` : shade;
      const name = FILES[square % 8] + String(Math.floor(square / 8) + 1);
      body.push(rect(x, y, SQUARE, SQUARE, CHESS_COLOURS[key], ` class="square ${key} ${name}" stroke="none"`));
    }
    if (check !== null) {
      const [x, y] = corner(check);
      body.push(rect(x, y, SQUARE, SQUARE, "url(#check_gradient)", ' class="check"'));
    }
    position.squares.forEach((p, square) => {
      if (!p) return;
      const [x, y] = corner(square);
      if (artwork) {
        const colour = p === p.toUpperCase() ? "white" : "black";
        body.push(`<use href="#${colour}-${PIECE_NAMES[p.toLowerCase()]}" transform="translate(${x}, ${y})"${piece(p)}/>`);
      } else {
        body.push(text(x + SQUARE / 2, y + SQUARE / 2 + 2, GLYPHS[p] + "\uFE0E", 38, { fill: "#000", extra: piece(p) }));
      }
    });
    const side = position.white ? "White" : "Black";
    const title = `Chess position, ${side} to move` + (move ? `, last move ${move.uci}` : "");
    return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${CHESS_FULL} ${CHESS_FULL}" width="${CHESS_SIZE}" ` +
      `height="${CHESS_SIZE}" role="img" font-family="sans-serif"><title>${esc(title)}</title>${body.join("")}</svg>`;
  }

  // ---- Which drawer ----

  const DRAWERS = new Map([
    ["chess", drawChess],
    ["tic_tac_toe", drawTicTacToe],
    ["phantom_ttt", drawTicTacToe],
    ["connect_four", drawConnectFour],
    ["hex", drawHex],
    ["dark_hex", drawHex],
    ["go", makeGridDraw(GO)],
    ["kuhn_poker", drawKuhn],
    ["leduc_poker", drawLeduc],
    ["matrix_pd", makeMatrixDraw("matrix_pd")],
    ["matching_pennies", makeMatrixDraw("matrix_mp")],
    ["matrix_mp", makeMatrixDraw("matrix_mp")],
    ["matrix_rps", makeMatrixDraw("matrix_rps")],
    ["prisoners_dilemma", drawPrisonersDilemma],
    ["python_iterated_prisoners_dilemma", drawPrisonersDilemma],
  ]);

  function capitalized(s) { return s.charAt(0).toUpperCase() + s.slice(1).toLowerCase(); }

  // The drawer of `game` by name, else one its text's shape calls for (a payoff matrix, a lettered board).
  function drawerFor(game, state) {
    if (DRAWERS.has(game)) return DRAWERS.get(game);
    if (state.includes("Utility matrix:")) return makeMatrixDraw(game);
    if (parseGrid(state) !== null) return makeGridDraw(gridStyle(capitalized(game.replace(/_/g, " "))));
    return null;
  }

  // The position `state` of `game` as an SVG string, the move labelled `lastMove` marked where the drawing can
  // show it; null when there is no drawing for it. Nothing a user's results hold makes it throw.
  function draw(game, state, lastMove, earlierStates) {
    if (typeof game !== "string" || typeof state !== "string" || !strip(state)) return null;
    const label = typeof lastMove === "string" ? lastMove : null;
    try {
      const drawer = drawerFor(game, state);
      return drawer === null ? null : drawer(state, label, Array.isArray(earlierStates) ? earlierStates : []);
    } catch (error) { // a replay of an odd state must still show its text
      return null;
    }
  }

  window.ArenaBoards = Object.freeze({ draw });
})();
