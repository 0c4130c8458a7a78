"""The lint engine: the only way rules run, for every command and the editor server.

    workspace (files) -> source (text) -> loader (documents)
        -> stages.file_stage   one question file + bank.yaml + topics.yaml -> a FileResult
        -> bankwide.BankWide   every FileResult -> cross-file findings, then policy.finish per file;
                               kept by a session, it redoes only what an edit touches
    runners run the file stage here or in worker processes; store keeps FileResults (memory or
    disk); session ties them together for one bank. See mlbank/engine/session.py for the API.

Importing this package imports nothing heavy: the warm lint path reads mlbank.engine.policy.
"""
