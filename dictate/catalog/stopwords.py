"""Common Danish and English words that mean nothing on their own.

A trigger made only of them would fire on ordinary speech, and the vocabulary
pass must never turn one into a drug name.
"""

#: Words that carry no meaning on their own; a trigger made only of them would
#: fire on ordinary speech.
STOP_WORDS = frozenset("""
og i jeg det at en den til er som på de med han af for ikke der var mig sig men et har om vi min
havde ham hun nu over da fra du ud sin dem os op man hans hvor eller hvad skal selv her alle vil
blev kunne ind når være dog noget ville jo deres efter ned skulle denne end dette mit også under
have dig anden hende mine alt meget sit sine vor mod disse hvis din nogle hos blive mange ad bliver
hendes været jer sådan så lige godt ja nej okay
the a an and or of to in on at for with is it this that as be by from was were are he she they we
you i me my his her their our its not no yes so but if then there here have has had do does did
""".split())
