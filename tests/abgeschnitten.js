// Texts the browser shows cut off (issue 15), as a list of readable lines. Used by
// tests/test_browser_abgeschnitten.py through page.evaluate.
//
// 1. HTML text: an element with its own text whose box reaches past an ancestor that clips
//    (overflow hidden/clip, or text-overflow: ellipsis) and is narrower than its content.
// 2. Tables (st.dataframe, glide-data-grid): drawn on a canvas, so no DOM text to measure.
//    Column widths, row height and cell texts come from the grid's React props; every header
//    and every cell (all rows, also those scrolled out of view) is measured with the grid's
//    font. A cell is cut when its text is wider than the column minus the cell padding – or,
//    where Streamlit lets cells wrap (row height above 4rem), when its lines do not fit the row.
() => {
  const out = [];
  const sichtbar = (el) => {
    if (el.closest('details:not([open])') && !el.closest('summary')) return false;   // folded
    const r = el.getBoundingClientRect();
    if (r.width < 2 || r.height < 2) return false;       // screen-reader-only text
    const cs = getComputedStyle(el);
    return cs.visibility !== 'hidden' && cs.display !== 'none' && el.offsetParent !== null;
  };
  const eigenerText = (el) => [...el.childNodes]
    .filter((n) => n.nodeType === 3).map((n) => n.nodeValue).join('').trim();
  const beschreibe = (el) => {
    const t = el.closest('[data-testid]');
    return t ? t.getAttribute('data-testid') : el.tagName.toLowerCase();
  };
  const ausgenommen = '[data-testid="stDataFrame"], [data-testid="stPlotlyChart"], svg, '
    + 'canvas, [data-testid="stDataFrameResizable"], [role="dialog"] [data-testid="stToast"]';
  for (const el of document.querySelectorAll('[data-testid="stApp"] *')) {
    const text = eigenerText(el);
    if (!text || el.closest(ausgenommen) || !sichtbar(el)) continue;
    const r = el.getBoundingClientRect();
    for (let a = el, tiefe = 0; a && tiefe < 8; a = a.parentElement, tiefe++) {
      const cs = getComputedStyle(a);
      const schneidet = ['hidden', 'clip'].includes(cs.overflowX)
        || cs.textOverflow === 'ellipsis';
      if (!schneidet) continue;
      const ar = a.getBoundingClientRect();
      const zuBreit = a.scrollWidth > a.clientWidth + 1;
      const ragtHeraus = r.right > ar.right + 1 || r.left < ar.left - 1
        || (a === el && zuBreit);
      if (zuBreit && ragtHeraus) {
        out.push(`Text abgeschnitten (${beschreibe(el)}): „${text.slice(0, 80)}“`);
        break;
      }
    }
  }
  // --- tables -------------------------------------------------------------------------
  const ctx = document.createElement('canvas').getContext('2d');
  const breite = (text, font) => { ctx.font = font; return ctx.measureText(text).width; };
  for (const box of document.querySelectorAll('[data-testid="stDataFrame"]')) {
    if (!sichtbar(box)) continue;
    const canvas = box.querySelector('canvas');
    if (!canvas) {
      const wo = box.closest('details')?.querySelector('summary')?.innerText || '';
      out.push(`Tabelle nicht gezeichnet (kein Canvas) ${wo} ${box.innerText.slice(0, 60)}`);
      continue;
    }
    const schluessel = Object.keys(canvas).find((k) => k.startsWith('__reactFiber'));
    let f = canvas[schluessel], p = null;
    for (let n = 0; f && n < 80; f = f.return, n++) {
      const q = f.memoizedProps;
      if (q && Array.isArray(q.columns) && q.columns.length && q.getCellContent) { p = q; break; }
    }
    if (!p) { out.push('Tabelle ohne lesbare Spalten (Grid nicht gefunden)'); continue; }
    const th = p.theme || {};
    const familie = th.fontFamily || '"Source Sans", sans-serif';
    const zellFont = `${th.baseFontStyle || '14px'} ${familie}`;
    const kopfFont = `${th.headerFontStyle || '600 14px'} ${familie}`;
    const pad = 2 * (th.cellHorizontalPadding ?? 8);
    const zeilenHoehe = p.rowHeight || 35;
    const umbruch = zeilenHoehe > 64;                   // Streamlit: wrapping above 4rem
    const zeilen = umbruch ? Math.max(1, Math.floor((zeilenHoehe - 6) / 21)) : 1;
    const tabelle = box.closest('[data-testid]')?.className || '';
    const sichtbareBreite = box.getBoundingClientRect().width;
    let links = 0;
    p.columns.forEach((col, c) => {
      if (!col.width) return;
      links += col.width;
      if (links > sichtbareBreite + 2) {
        out.push(`Spalte „${col.title}“ ragt aus der Tabelle (nur seitlich scrollbar)`);
      }
      const titel = String(col.title || '');
      if (breite(titel, kopfFont) + pad > col.width + 0.5) {
        out.push(`Spaltenkopf abgeschnitten: „${titel}“ (${Math.round(col.width)} px)`);
      }
      let laengster = '', max = 0;
      for (let r = 0; r < p.rows; r++) {
        const zelle = p.getCellContent([c, r]) || {};
        const anzeige = zelle.displayData ?? zelle.data ?? '';
        const text = typeof anzeige === 'object' ? '' : String(anzeige);   // dates: own cell kind
        const w = breite(text, zellFont);
        if (w > max) { max = w; laengster = text; }
      }
      const frei = col.width - pad;
      const passt = umbruch ? Math.ceil(max / Math.max(frei * 0.92, 1)) <= zeilen : max <= frei + 0.5;
      if (!passt) {
        out.push(`Zelle abgeschnitten in Spalte „${titel}“ (${Math.round(col.width)} px, `
                 + `${Math.round(max)} px Text): „${laengster.slice(0, 80)}“ ${tabelle}`.trim());
      }
    });
  }
  return out;
}
