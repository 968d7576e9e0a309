// Reads an iCalendar file as two real clients do and prints, per UID, the start instant in UTC.
// ical.js is the library of Thunderbird; node-ical is used by many web calendars and bots.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";

const require = createRequire(process.cwd() + "/");
const ICAL = (await import(require.resolve("ical.js"))).default;
const nodeIcal = require("node-ical");

const text = readFileSync(process.argv[2], "utf8");
const result = { icaljs: {}, nodeical: {}, icaljsAllDay: {}, nodeicalAllDay: {} };

const root = new ICAL.Component(ICAL.parse(text));
for (const vtimezone of root.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
for (const vevent of root.getAllSubcomponents("vevent")) {
  const event = new ICAL.Event(vevent);
  if (event.startDate.isDate) {
    result.icaljsAllDay[event.uid] = [event.startDate.toString(), event.endDate.toString()];
  } else {
    result.icaljs[event.uid] = event.startDate.toJSDate().toISOString();
  }
}
for (const item of Object.values(nodeIcal.sync.parseICS(text))) {
  if (item.type !== "VEVENT") continue;
  if (item.datetype === "date") {
    result.nodeicalAllDay[item.uid] = item.summary;
  } else {
    result.nodeical[item.uid] = item.start.toISOString();
  }
}
process.stdout.write(JSON.stringify(result));
