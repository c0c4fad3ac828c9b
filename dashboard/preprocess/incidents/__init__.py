"""The incidents stage: an article and its resolved places -> report rows.

In data-flow order: :mod:`sentences` (sentence and quotation spans), :mod:`casualties` (numbers
and toll phrases -> ranges), :mod:`dates` (date words -> days), :mod:`vocabulary` (trigger,
actor and context words), and :mod:`events`, which reads the sentences into incident rows.
"""
