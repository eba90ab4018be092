// The text namespace: vocabularies (character or word level, begin/end/unknown symbols), sequence
// batching for language-model training, the count-based unigram and bigram Markov models, the
// feature-based (softmax over one-hot features) Markov model.

export { Vocabulary, tokenize, splitSentences, type TokenLevel, type VocabularyOptions } from './vocabulary.js';
export { trainValSplit, contiguousBatches, randomBatch, type LMBatch, type SplitOptions, type BatchOptions, type RandomBatchOptions } from './batching.js';
export { UnigramModel, BigramModel, sampleIndex, chooseK, type CountModelOptions, type SampleOptions } from './markov.js';
export { FeatureMarkovModel, contextPairs, fitFeatureMarkov, type FeatureMarkovOptions, type FitFeatureMarkovOptions } from './feature_markov.js';
