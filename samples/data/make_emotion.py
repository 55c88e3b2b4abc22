#!/usr/bin/env python3
"""Writes the bundled sample: a multi-label emotion DatasetDict saved by the `datasets` library itself.

    python3 -m venv /tmp/hfenv && /tmp/hfenv/bin/pip install datasets
    /tmp/hfenv/bin/python samples/data/make_emotion.py samples/data/emotion

Sentences mix neutral words with cue words of one to three emotions, so that a sentence can carry
several labels and a bag-of-words model can learn them. Columns: `text`, `labels` (a list of
ClassLabel over six emotions), `input_ids` (the words' ids in a fixed vocabulary, 0 = padding).
Deterministic: the same seed writes the same rows.
"""
import random
import sys

from datasets import ClassLabel, Dataset, DatasetDict, Features, List, Value

EMOTIONS = ["joy", "sadness", "anger", "fear", "love", "surprise"]
CUES = {
    "joy": "happy delighted cheerful glad smiling laughing sunny celebrate wonderful bright joyful thrilled",
    "sadness": "sad tears lonely grief crying gloomy miss lost heartbroken sorrow empty regret",
    "anger": "angry furious rage annoyed shouting unfair hate irritated outraged bitter slammed fed-up",
    "fear": "afraid scared terrified nervous panic dread worried trembling anxious alarm shaking uneasy",
    "love": "love adore darling hug tender caring sweetheart cherish warm devoted kiss affection",
    "surprise": "suddenly unexpected shocked astonished wow amazed sudden twist stunned gasp unbelievable startled",
}
NEUTRAL = ("the a an and but then today yesterday morning evening my our their friend family work "
           "school city train letter phone news house street walk dinner coffee rain window door "
           "meeting weekend trip book song movie game message call visit garden market office road "
           "was felt saw heard said went came found told read wrote watched opened left arrived").split()


def vocabulary():
    words = sorted(set(NEUTRAL) | {w for cue in CUES.values() for w in cue.split()})
    return {w: i + 1 for i, w in enumerate(words)}  # 0 is padding


def sentence(rng, vocab):
    labels = sorted(rng.sample(range(len(EMOTIONS)), rng.choice([1, 1, 2, 2, 3])))
    words = []
    for _ in range(rng.randint(8, 40)):
        if rng.random() < 0.3:
            words.append(rng.choice(CUES[EMOTIONS[rng.choice(labels)]].split()))
        elif rng.random() < 0.03:  # a misleading cue now and then
            words.append(rng.choice(CUES[rng.choice(EMOTIONS)].split()))
        else:
            words.append(rng.choice(NEUTRAL))
    return {"text": " ".join(words), "labels": labels, "input_ids": [vocab[w] for w in words]}


def main(out):
    rng = random.Random(2026)
    vocab = vocabulary()
    features = Features({"text": Value("string"), "labels": List(ClassLabel(names=EMOTIONS)),
                         "input_ids": List(Value("int32"))})
    sizes = {"train": 6000, "validation": 1000, "test": 1000}
    splits = {name: Dataset.from_list([sentence(rng, vocab) for _ in range(n)], features=features)
              for name, n in sizes.items()}
    DatasetDict(splits).save_to_disk(out)


if __name__ == "__main__":
    main(sys.argv[1])
