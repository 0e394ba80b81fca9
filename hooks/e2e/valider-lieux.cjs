// Reads a places export (lieux.json) and passes every place through the
// library the national map uses to import the « schéma des lieux de
// médiation numérique ». Prints one line per refused place and exits 1
// if any is refused.
"use strict";
const fs = require("fs");
const { fromSchemaLieuDeMediationNumerique } = require("@gouvfr-anct/lieux-de-mediation-numerique");

const lieux = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
let refused = 0;
for (const lieu of lieux) {
  try {
    fromSchemaLieuDeMediationNumerique(lieu);
  } catch (err) {
    refused++;
    console.log(`${lieu.id}: ${err.constructor.name}: ${err.message}`);
  }
}
console.log(`${lieux.length - refused} accepted, ${refused} refused`);
process.exit(refused > 0 ? 1 : 0);
