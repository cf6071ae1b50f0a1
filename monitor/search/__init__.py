"""Ad-hoc terms: any word or phrase that is not a tag, searched in the stored text.

``matcher`` (the tagger's rules for one term, and the words of a text), ``index`` (the text
and word indexes that find candidates, and remembered matches).
"""
