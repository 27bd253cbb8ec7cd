// The bilan's "Print / PDF" button: the browser's own print dialog (A4, see bilan.css).
document.getElementById("print")?.addEventListener("click", () => window.print());
