"""Edits of the project's codebook: principles, behaviours, colours, shortcuts, order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from vigstudio.app.changes import Change
from vigstudio.app.session_core import (
    K,
    SessionCore,
    domain_edit,
    entity_id,
)
from vigstudio.app.undo import Step
from vigstudio.domain.annotations import Moment
from vigstudio.domain.codebook import Behaviour, Codebook, CodebookError, Principle
from vigstudio.domain.entities import CodebookName
from vigstudio.errors import (
    InUseError,
    InvalidEditError,
    NotFoundError,
)


class CodebookEdits(SessionCore):
    """Edits of the project's codebook: principles, behaviours, colours, shortcuts, order."""

    def rename_codebook(self, name: str) -> None:
        before = self._cache[K.CODEBOOK].get(1)
        if not isinstance(before, CodebookName):
            raise NotFoundError("the project has no codebook")
        self._update("Rename codebook", before, CodebookName(name.strip()))

    def add_principle(self, code: str, name: str, colour: str, *, shortcut: str = "",
                      description: str = "", behaviours: Sequence[str] = ()) -> Principle:
        position = max((p.position for p in self.principles()), default=-1) + 1
        p = _principle(code, name, colour, shortcut=shortcut, description=description,
                       position=position,
                       behaviours=tuple(Behaviour(b, i) for i, b in enumerate(behaviours)))
        self._check_codebook([*self.principles(), p])
        return self._add(f"Add code {name}", p)

    def update_principle(self, principle: Principle) -> Principle:
        """Rename, recolour, re-key, describe or change behaviours. Moments tagged with a
        behaviour that is removed keep the principle and lose the behaviour (undoable)."""
        before = self.principle(entity_id(principle))
        self._check_codebook([principle if p.id == principle.id else p
                              for p in self.principles()])
        kept = {b.id for b in principle.behaviours if b.id is not None}
        gone = {b.id for b in before.behaviours} - kept
        steps = [self._upd(m, replace(m, behaviour_id=None))
                 for m in self._all(K.MOMENT, Moment) if m.behaviour_id in gone]
        if before == principle:
            return principle
        self._run(f"Edit code {principle.name}", [*steps, self._upd(before, principle)])
        return self.principle(entity_id(principle))

    def rename_principle(self, principle_id: int, name: str) -> Principle:
        return self.update_principle(domain_edit(replace, self.principle(principle_id),
                                           name=name.strip()))

    def recolour_principle(self, principle_id: int, colour: str) -> Principle:
        return self.update_principle(domain_edit(replace, self.principle(principle_id),
                                           colour=colour))

    def set_principle_shortcut(self, principle_id: int, key: str) -> Principle:
        """Give a code its one-key shortcut ('' clears it); a key in use elsewhere is refused."""
        return self.update_principle(domain_edit(replace, self.principle(principle_id),
                                           shortcut=key))

    def reorder_principle(self, principle_id: int, new_index: int) -> None:
        order = self.principles()
        old_index = next(i for i, p in enumerate(order) if p.id == principle_id)
        if not 0 <= new_index < len(order):
            raise InvalidEditError(f"position {new_index} is outside the codebook")
        order.insert(new_index, order.pop(old_index))
        steps = [self._upd(p, replace(p, position=i))
                 for i, p in enumerate(order) if p.position != i]
        if steps:
            self._run("Reorder codebook", steps)

    def delete_principle(self, principle_id: int) -> None:
        p = self.principle(principle_id)
        used = [m for m in self._all(K.MOMENT, Moment) if m.principle_id == principle_id]
        if used:
            raise InUseError(f"{p.name} cannot be removed: {len(used)} moments are tagged "
                             "with it. Re-tag or remove them first.")
        self._run_one(f"Remove code {p.name}", p, None)

    def replace_codebook(self, codebook: Codebook) -> Change:
        """Use ``codebook`` instead of the current one, matching principles by code and
        behaviours by name so existing moments keep their tags. A code that moments still
        use cannot be dropped (InUseError)."""
        current = {p.code: p for p in self.principles()}
        incoming = {p.code for p in codebook.principles}
        steps: list[Step] = []
        for code, old in current.items():
            if code not in incoming:
                used = sum(1 for m in self._all(K.MOMENT, Moment) if m.principle_id == old.id)
                if used:
                    raise InUseError(f"the new codebook has no code {code!r}, but {used} "
                                     "moments are tagged with it")
        updates: list[Step] = []
        for i, p in enumerate(codebook.principles):
            old_p = current.get(p.code)
            if old_p is None:
                new_b = tuple(Behaviour(b.name, j) for j, b in enumerate(p.behaviours))
                updates.append(Step(K.PRINCIPLE, None, None,
                                    replace(p, position=i, behaviours=new_b, id=None)))
                continue
            old_ids = {b.name: b.id for b in old_p.behaviours}
            new_b = tuple(Behaviour(b.name, j, id=old_ids.get(b.name))
                          for j, b in enumerate(p.behaviours))
            gone = {b.id for b in old_p.behaviours} - {b.id for b in new_b}
            steps += [self._upd(m, replace(m, behaviour_id=None))
                      for m in self._all(K.MOMENT, Moment) if m.behaviour_id in gone]
            after = replace(p, position=i, behaviours=new_b, id=old_p.id)
            if after != old_p:
                updates.append(self._upd(old_p, after))
        steps += [self._del(p) for code, p in current.items() if code not in incoming]
        steps += updates
        name = self._cache[K.CODEBOOK].get(1)
        if isinstance(name, CodebookName) and name.name != codebook.name:
            steps.append(self._upd(name, CodebookName(codebook.name)))
        return self._run(f"Use codebook {codebook.name}", steps)

    def import_codebook(self, file: Path) -> Change:
        try:
            codebook = Codebook.from_json(Path(file).read_text(encoding="utf-8"))
        except OSError as exc:
            raise InvalidEditError(f"cannot read codebook file {file}: {exc}") from exc
        except CodebookError as exc:
            raise InvalidEditError(str(exc)) from exc
        return self.replace_codebook(codebook)

    def export_codebook(self, file: Path) -> Path:
        """Write the codebook as JSON; never over a file the case owns (THREAT_MODEL.md T1),
        and only complete (temporary file, then rename)."""
        from vigstudio.app.export_target import check_export_target
        from vigstudio.safe_write import atomic_target

        file = Path(file)
        check_export_target(self, file)
        with atomic_target(file, overwrite=True, what="the codebook") as tmp:
            tmp.write_text(self.codebook().to_json(), encoding="utf-8")
        return file

    def _check_codebook(self, principles: Sequence[Principle]) -> None:
        try:
            Codebook("check", tuple(principles))
        except CodebookError as exc:
            raise InvalidEditError(str(exc)) from exc
        for p in principles:
            if not p.name.strip():
                raise InvalidEditError(f"code {p.code!r} needs a name")


def _principle(code: str, name: str, colour: str, **fields: Any) -> Principle:
    try:
        return Principle(code, name.strip(), colour, **fields)
    except CodebookError as exc:
        raise InvalidEditError(str(exc)) from exc
