"""Learner rows in the shapes the pages read (LearnerModel::toArray)."""
from __future__ import annotations


def _int_or_none(value):
    return int(value) if value is not None else None


def to_array(row: dict) -> dict:
    """The camelCase learner, keys in the reference's order (learners-contract 2.3)."""
    first = row["first_name"] or ""
    surname = row["surname"] or ""
    return {
        "id": row["id"],
        "title": row["title"],
        "firstName": first,
        "secondName": row["second_name"],
        "initials": row["initials"],
        "surname": surname,
        "fullName": f"{first} {surname}".strip(),
        "gender": row["gender"],
        "race": row["race"],
        "saIdNo": row["sa_id_no"],
        "passportNumber": row["passport_number"],
        "telNumber": row["tel_number"],
        "alternativeTelNumber": row["alternative_tel_number"],
        "emailAddress": row["email_address"],
        "addressLine1": row["address_line_1"],
        "addressLine2": row["address_line_2"],
        "suburb": row["suburb"],
        "cityTownId": _int_or_none(row["city_town_id"]),
        "cityTownName": row["city_town_name"],
        "provinceRegionId": _int_or_none(row["province_region_id"]),
        "provinceRegionName": row["province_region_name"],
        "postalCode": row["postal_code"],
        "highestQualification": row["highest_qualification"],
        "highestQualificationName": None,
        "assessmentStatus": row["assessment_status"],
        "placementAssessmentDate": row["placement_assessment_date"],
        "numeracyLevel": row["numeracy_level"],
        "numeracyLevelName": None,
        "communicationLevel": row["communication_level"],
        "communicationLevelName": None,
        "employmentStatus": "Employed" if row["employment_status"] else "Unemployed",
        "employerId": _int_or_none(row["employer_id"]),
        "employerName": row["employer_name"],
        "disabilityStatus": "Yes" if row["disability_status"] else "No",
        "scannedPortfolio": row["scanned_portfolio"],
        "createdAt": row["created_at"],
        "updatedAt": row["updated_at"],
    }
