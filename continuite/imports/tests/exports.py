"""A small lycée's exports, written the way STS-web, SIECLE, EDT and UnDeuxTemps write them.

Not the parsers' own shapes: ISO-8859-15 prologs, CRLF line ends, indentation, elements the
portal does not read (addresses, MEF, grades, professions), optional ones missing, the pseudo-class
``Inactifs``, a guardian with two records of the same name, two teachers of the same name, and
the week patterns the timetable programs write (``H``, ``Sem.A``, ``Sem.B``, ``Q1``, ``Q2``).

``week_one()`` and ``week_two()`` give the school's files a week apart: in between, a student
changed class, a family gained a guardian, a guardian changed address, a student left and another
announced her leaving date.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

UAI = "0451234K"
YEAR = 2026


@dataclass
class Eleve:
    eleve_id: str
    ine: str
    nom: str
    prenom: str
    division: str
    groupes: list[str] = field(default_factory=list)
    naissance: str = "12/03/2009"
    sortie: str = ""


@dataclass
class Personne:
    personne_id: str
    civilite: str
    nom: str
    prenom: str
    mel: str
    enfants: list[tuple[str, str, str]]  # (ELEVE_ID, RESP_LEGAL, CODE_PARENTE)
    portable: str = "06 12 34 56 78"


@dataclass
class Ecole:
    eleves: list[Eleve]
    personnes: list[Personne]


def week_one() -> Ecole:
    eleves = [
        Eleve("145778", "070123456AB", "DURAND", "Léa", "1G3", ["1SPESES"]),
        Eleve("145779", "070123457AB", "MÜLLER", "Noé", "1G3", ["1SPESES"]),
        Eleve("145780", "070123458AB", "LEMAÎTRE", "Chloé", "1G4", ["1SPESES"]),
        Eleve("145781", "070123459AB", "BENALI", "Yanis", "2NDE1"),
        Eleve("145782", "070123460AB", "PETIT", "Inès", "2NDE1"),
        Eleve("145783", "070123461AB", "ROUX", "Hugo", "Inactifs", sortie="04/07/2026"),
    ]
    personnes = [
        Personne("294435", "MME", "DURAND", "Sophie", "sophie.durand@example.org", [("145778", "1", "20")]),
        Personne("294436", "M.", "DURAND", "Marc", "marc.durand@example.org", [("145778", "2", "10")]),
        # Two guardians of Noé bear the same name: his mother and his grandmother.
        Personne("294440", "MME", "MÜLLER", "Élodie", "elodie.muller@example.org", [("145779", "1", "20")]),
        Personne("294441", "MME", "MÜLLER", "Élodie", "e.muller.grand-mere@example.org", [("145779", "2", "30")]),
        Personne("294450", "MME", "LEMAÎTRE", "Anne", "anne.lemaitre@example.org", [("145780", "1", "20")]),
        Personne("294460", "M.", "BENALI", "Karim", "karim.benali@example.org", [("145781", "1", "10")]),
        Personne("294470", "MME", "PETIT", "Julie", "julie.petit@example.org", [("145782", "1", "20")]),
        Personne("294480", "M.", "ROUX", "Denis", "denis.roux@example.org", [("145783", "1", "10")]),
    ]
    return Ecole(eleves, personnes)


def week_two() -> Ecole:
    school = copy.deepcopy(week_one())
    by_id = {e.eleve_id: e for e in school.eleves}
    by_id["145778"].division = "1G4"  # Léa changed class
    by_id["145782"].sortie = "02/10/2026"  # Inès left last Friday
    by_id["145780"].sortie = "16/10/2026"  # Chloé leaves before the holidays
    school.personnes[0].mel = "sophie.durand@nouveau.example.org"  # Sophie's new address
    school.personnes.append(
        Personne("294461", "MME", "BENALI", "Samira", "samira.benali@example.org", [("145781", "2", "20")])
    )
    return school


def _prolog(encoding: str) -> str:
    return f'<?xml version="1.0" encoding="{encoding}"?>\r\n'


def _crlf(text: str) -> str:
    return text.strip("\n").replace("\n", "\r\n") + "\r\n"


def sts(*, uai: str = UAI) -> bytes:
    body = f"""
<STS_EDT>
  <PARAMETRES>
    <UAJ CODE="{uai}">
      <ACADEMIE><CODE>18</CODE><LIBELLE>ORLEANS-TOURS</LIBELLE></ACADEMIE>
      <SIGLE>LYC</SIGLE>
      <DENOM_PRINC>LYCEE GENERAL</DENOM_PRINC>
      <DENOM_COMPL>JEAN ZAY</DENOM_COMPL>
    </UAJ>
    <ANNEE_SCOLAIRE ANNEE="{YEAR}">
      <DATE_DEBUT>{YEAR}-09-01</DATE_DEBUT>
      <DATE_FIN>{YEAR + 1}-08-31</DATE_FIN>
    </ANNEE_SCOLAIRE>
    <HORODATAGE>28/09/{YEAR} 17:42:03</HORODATAGE>
  </PARAMETRES>
  <NOMENCLATURES>
    <MATIERES>
      <MATIERE CODE="022400">
        <CODE_GESTION>SES</CODE_GESTION>
        <LIBELLE_COURT>SES</LIBELLE_COURT>
        <LIBELLE_LONG>SCIENCES ECONOMIQUES ET SOCIALES</LIBELLE_LONG>
        <LIBELLE_EDITION>Sciences économiques et sociales</LIBELLE_EDITION>
        <MATIERE_ETP>0</MATIERE_ETP>
      </MATIERE>
      <MATIERE CODE="061300">
        <CODE_GESTION>MATHS</CODE_GESTION>
        <LIBELLE_COURT>MATHS</LIBELLE_COURT>
        <LIBELLE_LONG>MATHEMATIQUES</LIBELLE_LONG>
        <LIBELLE_EDITION>Mathématiques</LIBELLE_EDITION>
      </MATIERE>
      <MATIERE CODE="030201">
        <CODE_GESTION>AGL1</CODE_GESTION>
        <LIBELLE_COURT>ANGLAIS LV1</LIBELLE_COURT>
        <LIBELLE_LONG>ANGLAIS LV1</LIBELLE_LONG>
        <LIBELLE_EDITION>Anglais LV1</LIBELLE_EDITION>
      </MATIERE>
    </MATIERES>
    <MEFS>
      <MEF CODE="20112001110"><FORMATION>1G</FORMATION><LIBELLE_LONG>1ERE GENERALE</LIBELLE_LONG></MEF>
    </MEFS>
  </NOMENCLATURES>
  <DONNEES>
    <INDIVIDUS>
      <INDIVIDU ID="5001" TYPE="epp">
        <SEXE>2</SEXE>
        <CIVILITE>2</CIVILITE>
        <NOM_USAGE>MARTIN</NOM_USAGE>
        <NOM_PATRONYMIQUE>MARTIN</NOM_PATRONYMIQUE>
        <PRENOM>Claire</PRENOM>
        <DATE_NAISSANCE>1980-05-02</DATE_NAISSANCE>
        <GRADE CODE="0241"><LIBELLE>CERTIFIE</LIBELLE></GRADE>
        <FONCTION>ENS</FONCTION>
        <PROFS_PRINC>
          <PROF_PRINC><CODE_STRUCTURE>1G3</CODE_STRUCTURE><DATE_DEBUT>{YEAR}-09-01</DATE_DEBUT></PROF_PRINC>
        </PROFS_PRINC>
        <DISCIPLINES>
          <DISCIPLINE CODE="L1300"><LIBELLE_COURT>SES</LIBELLE_COURT><NB_HEURES>15</NB_HEURES></DISCIPLINE>
        </DISCIPLINES>
      </INDIVIDU>
      <INDIVIDU ID="5002" TYPE="epp">
        <SEXE>2</SEXE>
        <CIVILITE>2</CIVILITE>
        <NOM_USAGE>MARTIN</NOM_USAGE>
        <NOM_PATRONYMIQUE>BERNARD</NOM_PATRONYMIQUE>
        <PRENOM>Claire</PRENOM>
        <FONCTION>ENS</FONCTION>
        <DISCIPLINES><DISCIPLINE CODE="L1300"><LIBELLE_COURT>MATHEMATIQUES</LIBELLE_COURT></DISCIPLINE></DISCIPLINES>
      </INDIVIDU>
      <INDIVIDU ID="5003" TYPE="epp">
        <SEXE>1</SEXE>
        <CIVILITE>1</CIVILITE>
        <NOM_USAGE>DUBOIS</NOM_USAGE>
        <PRENOM>Marc</PRENOM>
        <FONCTION>ENS</FONCTION>
      </INDIVIDU>
      <INDIVIDU ID="5004" TYPE="epp">
        <SEXE>2</SEXE>
        <CIVILITE>2</CIVILITE>
        <NOM_USAGE>NGUYEN</NOM_USAGE>
        <PRENOM>Linh</PRENOM>
        <FONCTION>EDU</FONCTION>
      </INDIVIDU>
    </INDIVIDUS>
    <STRUCTURE>
      <DIVISIONS>
        <DIVISION CODE="1G3">
          <LIBELLE_LONG>1ERE GENERALE 3</LIBELLE_LONG>
          <EFFECTIF_PREVU>35</EFFECTIF_PREVU>
          <MEFS_APPARTENANCE><MEF_APPARTENANCE CODE="20112001110"/></MEFS_APPARTENANCE>
          <SERVICES>
            <SERVICE CODE_MATIERE="022400" CODE_MOD_COURS="CG">
              <ENSEIGNANTS>
                <ENSEIGNANT ID="5001" TYPE="epp"><COTE_ENSEIGNANT>1.5</COTE_ENSEIGNANT></ENSEIGNANT>
              </ENSEIGNANTS>
            </SERVICE>
            <SERVICE CODE_MATIERE="030201" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="5003" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
          </SERVICES>
        </DIVISION>
        <DIVISION CODE="1G4">
          <LIBELLE_LONG>1ERE GENERALE 4</LIBELLE_LONG>
          <SERVICES>
            <SERVICE CODE_MATIERE="061300" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="5002" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
            <SERVICE CODE_MATIERE="030201" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="5003" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
          </SERVICES>
        </DIVISION>
        <DIVISION CODE="2NDE1">
          <LIBELLE_LONG>SECONDE 1</LIBELLE_LONG>
          <SERVICES>
            <SERVICE CODE_MATIERE="061300" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="5002" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
            <SERVICE CODE_MATIERE="022400" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="5001" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
          </SERVICES>
        </DIVISION>
      </DIVISIONS>
      <GROUPES>
        <GROUPE CODE="1SPESES">
          <LIBELLE_LONG>SPE SES</LIBELLE_LONG>
          <DIVISIONS_APPARTENANCE>
            <DIVISION_APPARTENANCE CODE="1G3"/>
            <DIVISION_APPARTENANCE CODE="1G4"/>
          </DIVISIONS_APPARTENANCE>
          <SERVICES>
            <SERVICE CODE_MATIERE="022400" CODE_MOD_COURS="CG">
              <ENSEIGNANTS><ENSEIGNANT ID="5001" TYPE="epp"/></ENSEIGNANTS>
            </SERVICE>
          </SERVICES>
        </GROUPE>
      </GROUPES>
    </STRUCTURE>
  </DONNEES>
</STS_EDT>"""
    return (_prolog("ISO-8859-15") + _crlf(body)).encode("iso-8859-15")


def eleves(school: Ecole, *, uai: str = UAI, encoding: str = "ISO-8859-15") -> bytes:
    rows = []
    for e in school.eleves:
        rows.append(
            f"""      <ELEVE ELEVE_ID="{e.eleve_id}" ELENOET="{e.eleve_id[-4:]}">
        <ID_NATIONAL>{e.ine}</ID_NATIONAL>
        <ELENOET>{e.eleve_id[-4:]}</ELENOET>
        <NOM_DE_FAMILLE>{e.nom}</NOM_DE_FAMILLE>
        <NOM_USAGE>{e.nom}</NOM_USAGE>
        <PRENOM>{e.prenom}</PRENOM>
        <PRENOM2></PRENOM2>
        <DATE_NAISS>{e.naissance}</DATE_NAISS>
        <DOUBLEMENT>0</DOUBLEMENT>
        <CODE_SEXE>1</CODE_SEXE>
        <CODE_MEF>20112001110</CODE_MEF>
        <CODE_REGIME>2</CODE_REGIME>
        <DATE_ENTREE>01/09/{YEAR}</DATE_ENTREE>
        <DATE_SORTIE>{e.sortie}</DATE_SORTIE>
        <SCOLARITE_AN_DERNIER><CODE_RNE>0450782F</CODE_RNE></SCOLARITE_AN_DERNIER>
      </ELEVE>"""
        )
    structures = []
    for e in school.eleves:
        groups = "".join(
            f"<STRUCTURE><CODE_STRUCTURE>{g}</CODE_STRUCTURE><TYPE_STRUCTURE>G</TYPE_STRUCTURE></STRUCTURE>"
            for g in e.groupes
        )
        structures.append(
            f'      <STRUCTURES_ELEVE ELEVE_ID="{e.eleve_id}" ELENOET="{e.eleve_id[-4:]}">'
            f"<STRUCTURE><CODE_STRUCTURE>{e.division}</CODE_STRUCTURE><TYPE_STRUCTURE>D</TYPE_STRUCTURE>"
            f"</STRUCTURE>{groups}</STRUCTURES_ELEVE>"
        )
    nl = "\n"
    body = f"""
<BEE_ELEVES VERSION="3.1">
  <PARAMETRES>
    <UAJ>{uai}</UAJ>
    <ANNEE_SCOLAIRE>{YEAR}</ANNEE_SCOLAIRE>
    <DATE_EXPORT>28/09/{YEAR}</DATE_EXPORT>
    <HORODATAGE>28/09/{YEAR} 17:45:10</HORODATAGE>
  </PARAMETRES>
  <DONNEES>
    <ELEVES>
{nl.join(rows)}
    </ELEVES>
    <OPTIONS/>
    <STRUCTURES>
{nl.join(structures)}
    </STRUCTURES>
  </DONNEES>
</BEE_ELEVES>"""
    return (_prolog(encoding) + _crlf(body)).encode("iso-8859-15" if "8859" in encoding else "utf-8")


def responsables(school: Ecole, *, uai: str = UAI) -> bytes:
    personnes, liens, adresses = [], [], []
    for p in school.personnes:
        personnes.append(
            f"""      <PERSONNE PERSONNE_ID="{p.personne_id}">
        <LC_CIVILITE>{p.civilite}</LC_CIVILITE>
        <NOM_DE_FAMILLE>{p.nom}</NOM_DE_FAMILLE>
        <PRENOM>{p.prenom}</PRENOM>
        <TEL_PERSONNEL>02 38 00 00 00</TEL_PERSONNEL>
        <TEL_PORTABLE>{p.portable}</TEL_PORTABLE>
        <MEL>{p.mel}</MEL>
        <ACCEPTE_SMS>1</ACCEPTE_SMS>
        <ADRESSE_ID>{p.personne_id}9</ADRESSE_ID>
        <CODE_PROFESSION>38</CODE_PROFESSION>
        <COMMUNICATION_ADRESSE>1</COMMUNICATION_ADRESSE>
      </PERSONNE>"""
        )
        for eleve_id, legal, parente in p.enfants:
            liens.append(
                f"""      <RESPONSABLE_ELEVE>
        <ELEVE_ID>{eleve_id}</ELEVE_ID>
        <PERSONNE_ID>{p.personne_id}</PERSONNE_ID>
        <RESP_LEGAL>{legal}</RESP_LEGAL>
        <CODE_PARENTE>{parente}</CODE_PARENTE>
        <RESP_FINANCIER>1</RESP_FINANCIER>
        <PERS_PAIMENT>1</PERS_PAIMENT>
        <PERS_CONTACT>1</PERS_CONTACT>
      </RESPONSABLE_ELEVE>"""
            )
        adresses.append(
            f'      <ADRESSE ADRESSE_ID="{p.personne_id}9"><LIGNE1_ADRESSE>12 RUE DES ECOLES</LIGNE1_ADRESSE>'
            "<CODE_POSTAL>45000</CODE_POSTAL><LIBELLE_POSTAL>ORLEANS</LIBELLE_POSTAL></ADRESSE>"
        )
    nl = "\n"
    body = f"""
<BEE_RESPONSABLES VERSION="1.7">
  <PARAMETRES>
    <UAJ>{uai}</UAJ>
    <ANNEE_SCOLAIRE>{YEAR}</ANNEE_SCOLAIRE>
    <DATE_EXPORT>28/09/{YEAR}</DATE_EXPORT>
  </PARAMETRES>
  <DONNEES>
    <PERSONNES>
{nl.join(personnes)}
    </PERSONNES>
    <RESPONSABLES>
{nl.join(liens)}
    </RESPONSABLES>
    <ADRESSES>
{nl.join(adresses)}
    </ADRESSES>
  </DONNEES>
</BEE_RESPONSABLES>"""
    return (_prolog("ISO-8859-15") + _crlf(body)).encode("iso-8859-15")


# (day, start, duration, subject code, subject label, teacher, first name, class, group, room, ALTERNANCE, FREQUENCE)
COURS = [
    ("lundi", "08h00", "1h00", "SES", "SCIENCES ECO. ET SOCIALES", "MARTIN", "Claire", "1G3", "", "B12", "H", "H"),
    ("mardi", "10h00", "1h00", "MATHS", "MATHEMATIQUES", "MARTIN", "Claire", "1G4", "", "C03", "Sem.A", "Q1"),
    ("mardi", "10h00", "1h00", "MATHS", "MATHEMATIQUES", "MARTIN", "Claire", "2NDE1", "", "C04", "Sem.B", "Q2"),
    ("mercredi", "09h00", "1h00", "AGL1", "ANGLAIS LV1", "DUBOIS", "Marc", "1G3", "", "A01", "H", "Q1"),
    ("mercredi", "09h00", "1h00", "AGL1", "ANGLAIS LV1", "DUBOIS", "Marc", "1G4", "", "A01", "H", "Q2"),
    ("jeudi", "14h00", "2h00", "SES", "SCIENCES ECO. ET SOCIALES", "MARTIN", "Claire", "", "1SPESES", "B12", "H", "H"),
    ("vendredi", "08h00", "1h00", "SES", "SCIENCES ECO. ET SOCIALES", "MARTIN", "Claire", "2NDE1", "", "B12", "H", "H"),
]


def edt() -> bytes:
    rows = []
    for n, (day, start, length, code, label, nom, prenom, classe, groupe, salle, alt, freq) in enumerate(COURS, 1):
        rows.append(
            f"""  <Cours numero="{n}">
    <NUMERO>{n}</NUMERO>
    <DUREE>{length}</DUREE>
    <FREQUENCE>{freq}</FREQUENCE>
    <MAT_CODE>{code}</MAT_CODE>
    <MAT_LIBELLE>{label}</MAT_LIBELLE>
    <PROF_NOM>{nom}</PROF_NOM>
    <PROF_PRENOM>{prenom}</PROF_PRENOM>
    {f"<CLASSE>{classe}</CLASSE>" if classe else f"<GROUPE>{groupe}</GROUPE>"}
    <SALLE>{salle}</SALLE>
    <ALTERNANCE>{alt}</ALTERNANCE>
    <MODALITE>CG</MODALITE>
    <CO-ENS>N</CO-ENS>
    <POND.>1</POND.>
    <JOUR>{day}</JOUR>
    <H.DEBUT>{start}</H.DEBUT>
    <EFFECTIF>35</EFFECTIF>
  </Cours>"""
        )
    nl = "\n"
    return (_prolog("ISO-8859-1") + _crlf(f"<TABLE>\n{nl.join(rows)}\n</TABLE>")).encode("iso-8859-1")


def udt() -> bytes:
    """UnDeuxTemps: a ``;`` CSV in the Windows encoding, hours as ``8h00-9h00``, the week in ``Freq``."""
    lines = ["Jour;Heure;Div;Matière;Professeur;Salle;Groupe;Regroup;Eff;Mo;Freq;Aire"]
    freq = {"H": "H", "Sem.A": "SA", "Sem.B": "SB"}
    for day, start, length, code, _label, nom, prenom, classe, groupe, salle, alt, frequence in COURS:
        hours, minutes = int(start[:2]), int(start[3:])
        end = f"{hours + int(length[0]):d}h{minutes:02d}"
        pattern = freq.get(alt, "H") if alt != "H" else frequence
        lines.append(
            ";".join(
                [day.upper()[:3], f"{hours}h{minutes:02d}-{end}", classe, code, f"{nom} {prenom}", salle, groupe]
                + ["", "35", "CG", pattern, ""]
            )
        )
    return ("\r\n".join(lines) + "\r\n").encode("cp1252")
