// A native ES module: it imports ./format.js by its plain name; the page's import map
// sends that to format.<digest>.js, so a change to format.js changes one URL only.
import { describe } from "./format.js";

document.getElementById("modules").textContent = describe(import.meta.url);
