"""Learner rows in the shapes the pages read (``LearnerModel::toArray``, docs/contracts/learners.md#one-learner).

The model turned ``''`` into ``null`` on hydration (``castValue``), cast the three ids to int and
coerced everything else to string (``true`` -> ``"1"``, ``false`` -> ``""``). A learner without
a first name or surname made the reference crash; here those read as ``""``.
"""
from __future__ import annotations


def _text(value):
    """A ``?string`` property: '' and NULL are null; other scalars become PHP strings."""
    if value is None or value == "":
        return None
    if value is True:
        return "1"
    if value is False:
        return ""
    return str(value)


def _int_or_none(value):
    return int(value) if value is not None and value != "" else None


def _camel(row: dict, *, suburb, city_name, province_name, qualification, numeracy, communication,
           employment, employer_name, disability, portfolio) -> dict:
    first = row["first_name"] or ""
    surname = row["surname"] or ""
    return {
        "id": row["id"],
        "title": _text(row["title"]),
        "firstName": first,
        "secondName": _text(row["second_name"]),
        "initials": _text(row["initials"]),
        "surname": surname,
        "fullName": f"{first} {surname}".strip(" \t\n\r\0\x0b"),
        "gender": _text(row["gender"]),
        "race": _text(row["race"]),
        "saIdNo": _text(row["sa_id_no"]),
        "passportNumber": _text(row["passport_number"]),
        "telNumber": _text(row["tel_number"]),
        "alternativeTelNumber": _text(row["alternative_tel_number"]),
        "emailAddress": _text(row["email_address"]),
        "addressLine1": _text(row["address_line_1"]),
        "addressLine2": _text(row["address_line_2"]),
        "suburb": suburb,
        "cityTownId": _int_or_none(row["city_town_id"]),
        "cityTownName": city_name,
        "provinceRegionId": _int_or_none(row["province_region_id"]),
        "provinceRegionName": province_name,
        "postalCode": _text(row["postal_code"]),
        "highestQualification": qualification,
        "highestQualificationName": None,
        "assessmentStatus": _text(row["assessment_status"]),
        "placementAssessmentDate": _text(row["placement_assessment_date"]),
        "numeracyLevel": numeracy,
        "numeracyLevelName": None,
        "communicationLevel": communication,
        "communicationLevelName": None,
        "employmentStatus": employment,
        "employerId": _int_or_none(row["employer_id"]),
        "employerName": employer_name,
        "disabilityStatus": disability,
        "scannedPortfolio": portfolio,
        "createdAt": _text(row["created_at"]),
        "updatedAt": _text(row["updated_at"]),
    }


def to_array(row: dict) -> dict:
    """A mapped row (``queries.mapped_*``): lookup names in place of ids, as the reference read it."""
    return _camel(
        row,
        suburb=_text(row["suburb"]),
        city_name=_text(row["city_town_name"]),
        province_name=_text(row["province_region_name"]),
        qualification=_text(row["highest_qualification"]),
        numeracy=_text(row["numeracy_level"]),
        communication=_text(row["communication_level"]),
        employment="Employed" if row["employment_status"] else "Unemployed",
        employer_name=_text(row["employer_name"]),
        disability="Yes" if row["disability_status"] else "No",
        portfolio=_text(row["scanned_portfolio"]),
    )


def raw_to_array(row: dict) -> dict:
    """A raw ``learners`` row (``mappings`` false): ids as numeric strings, booleans as "1"/"",
    no joined names, the learner's own postal code, no suburb (there is no such column)."""
    return _camel(
        row,
        suburb=None,
        city_name=None,
        province_name=None,
        qualification=_text(row["highest_qualification"]),
        numeracy=_text(row["numeracy_level"]),
        communication=_text(row["communication_level"]),
        employment=_text(row["employment_status"]) if row["employment_status"] is not None else None,
        employer_name=None,
        disability=_text(row["disability_status"]) if row["disability_status"] is not None else None,
        portfolio=_text(row["scanned_portfolio"]),
    )
