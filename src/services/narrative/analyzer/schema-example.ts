/**
 * The example the OpenAPI document shows for the analyzer's input and output: what `analyze`
 * really answers for this input (a test checks it, so it never drifts). After a lexicon or
 * scoring change, regenerate ANALYSIS_EXAMPLE from `analyze(ANALYZE_EXAMPLE_INPUT)`.
 */
import type { Analysis, AnalyzeInput } from "./schema.js"

export const ANALYZE_EXAMPLE_INPUT: AnalyzeInput = {
  "text": "Je suis épuisée dans mon poste actuel. J'hésite entre une formation en UX design et la gestion de projet, mais je n'ai pas peur de changer.",
  "kind": "journal"
}

export const ANALYSIS_EXAMPLE: Analysis = {
  "analyzerVersion": "1.3.0",
  "kind": "journal",
  "wordCount": 28,
  "language": {
    "value": "fr",
    "confidence": 0.998,
    "evidence": [
      {
        "text": "Je",
        "start": 0,
        "end": 2,
        "weight": 1,
        "negated": false
      },
      {
        "text": "suis",
        "start": 3,
        "end": 7,
        "weight": 1,
        "negated": false
      },
      {
        "text": "dans",
        "start": 16,
        "end": 20,
        "weight": 1,
        "negated": false
      },
      {
        "text": "mon",
        "start": 21,
        "end": 24,
        "weight": 1,
        "negated": false
      },
      {
        "text": "J'",
        "start": 39,
        "end": 41,
        "weight": 1,
        "negated": false
      },
      {
        "text": "entre",
        "start": 48,
        "end": 53,
        "weight": 1,
        "negated": false
      },
      {
        "text": "une",
        "start": 54,
        "end": 57,
        "weight": 1,
        "negated": false
      },
      {
        "text": "en",
        "start": 68,
        "end": 70,
        "weight": 1,
        "negated": false
      },
      {
        "text": "et",
        "start": 81,
        "end": 83,
        "weight": 1,
        "negated": false
      },
      {
        "text": "la",
        "start": 84,
        "end": 86,
        "weight": 1,
        "negated": false
      },
      {
        "text": "de",
        "start": 95,
        "end": 97,
        "weight": 1,
        "negated": false
      },
      {
        "text": "mais",
        "start": 106,
        "end": 110,
        "weight": 1,
        "negated": false
      }
    ]
  },
  "sentiment": {
    "label": "neutral",
    "score": -0.197,
    "evidence": [
      {
        "text": "épuisée",
        "start": 8,
        "end": 15,
        "weight": -3,
        "negated": false
      },
      {
        "text": "peur",
        "start": 123,
        "end": 127,
        "weight": 2.22,
        "negated": true
      }
    ]
  },
  "emotions": {
    "anxiety": {
      "score": 0,
      "evidence": []
    },
    "hope": {
      "score": 0,
      "evidence": []
    },
    "frustration": {
      "score": 0,
      "evidence": []
    },
    "confidence": {
      "score": 0,
      "evidence": []
    },
    "sadness": {
      "score": 0,
      "evidence": []
    }
  },
  "stage": {
    "value": "exploration",
    "confidence": 0.402,
    "scores": {
      "exploration": 0.407,
      "decision": 0.37,
      "preparation": 0.222,
      "transition": 0,
      "integration": 0
    },
    "evidence": [
      {
        "text": "épuisée",
        "start": 8,
        "end": 15,
        "weight": 1,
        "negated": false
      },
      {
        "text": "mon poste actuel",
        "start": 21,
        "end": 37,
        "weight": 1.5,
        "negated": false
      }
    ]
  },
  "themes": [
    {
      "theme": "burnout_stress",
      "score": 0.393,
      "evidence": [
        {
          "text": "épuisée",
          "start": 8,
          "end": 15,
          "weight": 1,
          "negated": false
        }
      ]
    },
    {
      "theme": "training_learning",
      "score": 0.393,
      "evidence": [
        {
          "text": "formation",
          "start": 58,
          "end": 67,
          "weight": 1,
          "negated": false
        }
      ]
    }
  ],
  "skills": [
    {
      "name": "UX design",
      "evidence": [
        {
          "text": "UX design",
          "start": 71,
          "end": 80,
          "weight": 1,
          "negated": false
        }
      ]
    },
    {
      "name": "project management",
      "evidence": [
        {
          "text": "gestion de projet",
          "start": 87,
          "end": 104,
          "weight": 1,
          "negated": false
        }
      ]
    }
  ],
  "motivations": [
    {
      "theme": "training_learning",
      "evidence": [
        {
          "text": "formation",
          "start": 58,
          "end": 67,
          "weight": 1,
          "negated": false
        }
      ]
    }
  ],
  "blockers": [
    {
      "theme": "burnout_stress",
      "evidence": [
        {
          "text": "épuisée",
          "start": 8,
          "end": 15,
          "weight": 1,
          "negated": false
        }
      ]
    }
  ],
  "keyPhrases": [
    {
      "text": "poste actuel",
      "start": 25,
      "end": 37,
      "score": 1
    },
    {
      "text": "gestion de projet",
      "start": 87,
      "end": 104,
      "score": 1
    },
    {
      "text": "peur de changer",
      "start": 123,
      "end": 138,
      "score": 0.8
    },
    {
      "text": "épuisée",
      "start": 8,
      "end": 15,
      "score": 0.4
    },
    {
      "text": "hésite",
      "start": 41,
      "end": 47,
      "score": 0.4
    },
    {
      "text": "formation",
      "start": 58,
      "end": 67,
      "score": 0.4
    }
  ]
}
